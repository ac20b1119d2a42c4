import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { z } from 'zod'
import { GpioToolError, GpioToolMissingError, GpioToolVersionError } from './errors.js'

/** Where the libgpiod tools are, and the environment they run in. */
export const gpioToolsSchema = z.strictObject({
  /** Folder holding gpioset, gpioget and gpiomon; default: found on PATH. */
  dir: z.string().min(1).optional(),
})

export type GpioToolsConfig = z.output<typeof gpioToolsSchema>

export interface GpioTools {
  readonly gpioset: string
  readonly gpioget: string
  readonly gpiomon: string
  /** Environment for the tools' processes. */
  readonly env: NodeJS.ProcessEnv
}

export const gpioToolNames = ['gpioset', 'gpioget', 'gpiomon'] as const

export function gpioTools(config: GpioToolsConfig = {}, env: NodeJS.ProcessEnv = process.env): GpioTools {
  const path = (tool: string) => (config.dir ? join(config.dir, tool) : tool)
  return { gpioset: path('gpioset'), gpioget: path('gpioget'), gpiomon: path('gpiomon'), env }
}

/** Runs a tool to completion; rejects with `GpioToolMissingError` or `GpioToolError` carrying its stderr. */
export function runGpioTool(tools: GpioTools, tool: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env: tools.env, timeout: 10_000 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout)
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(new GpioToolMissingError(tool, { cause: error }))
      reject(
        new GpioToolError(`${tool} ${args.join(' ')} failed: ${stderr.trim() || error.message}`, {
          cause: error,
          details:
            'Check the chip and line in the config (gpioinfo lists them) and that no other program holds the line.',
        }),
      )
    })
  })
}

/**
 * Checks that all three tools are libgpiod 2.1 or newer. v1's tools take other arguments (and v2.0's gpioset has no
 * banner to confirm a request), so an older set is refused with what to install.
 */
export async function checkGpioTools(tools: GpioTools): Promise<string> {
  let first: string | undefined
  // One after another, so the first refused tool named is always the same one.
  for (const name of gpioToolNames) {
    const output = await runGpioTool(tools, tools[name], ['--version'])
    const match = /\(libgpiod\) v?((\d+)\.(\d+)(?:\.\d+)?)/.exec(output)
    const version = match ? `v${match[1]}` : (output.trim().split('\n')[0] ?? 'an unknown version')
    const [major, minor] = [Number(match?.[2] ?? 0), Number(match?.[3] ?? 0)]
    if (major < 2 || (major === 2 && minor < 1)) throw new GpioToolVersionError(name, version)
    first ??= version
  }
  return first ?? ''
}
