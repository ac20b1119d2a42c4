import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const implementation = fileURLToPath(new URL('./fakeGpiod.mjs', import.meta.url))

/**
 * A fake GPIO chip (`gpiochip0`, lines GPIO0…GPIO53) in a temporary folder, and folders of fake libgpiod tools that
 * drive it: `toolsDir` speaks v2, `v1ToolsDir` reports v1.6.3 as Raspberry Pi OS bookworm's gpiod does. Point a
 * driver's `tools.dir` at one of them and set `env` in its environment (the tools find the chip through
 * FAKE_GPIO_DIR).
 */
export interface FakeGpioChip {
  readonly toolsDir: string
  readonly v1ToolsDir: string
  /** FAKE_GPIO_DIR=… for the processes that run the tools. */
  readonly env: Record<string, string>
  /** The physical level of a line: true = high. An output keeps its level after release, as on a Pi. */
  level(offset: number): Promise<boolean>
  /** Drives an input line's physical level, stamped with the monotonic time of the change (the kernel's timestamp). */
  drive(offset: number, high: boolean): Promise<void>
  /** The pid holding a line's request, if any. */
  holder(offset: number): Promise<number | undefined>
  close(): Promise<void>
}

export async function createFakeGpioChip(): Promise<FakeGpioChip> {
  const root = await mkdtemp(join(tmpdir(), 'chargechain-gpio-'))
  const chipDir = join(root, 'chip')
  await mkdir(join(chipDir, 'gpiochip0'), { recursive: true })
  const makeTools = async (folder: string, version: string) => {
    await mkdir(folder)
    for (const tool of ['gpioset', 'gpioget', 'gpiomon']) {
      const path = join(folder, tool)
      await writeFile(
        path,
        `#!/bin/sh\nFAKE_GPIOD_VERSION=${version} exec "${process.execPath}" "${implementation}" ${tool} "$@"\n`,
      )
      await chmod(path, 0o755)
    }
  }
  const toolsDir = join(root, 'v2')
  const v1ToolsDir = join(root, 'v1')
  await makeTools(toolsDir, '2.2.1')
  await makeTools(v1ToolsDir, '1.6.3')
  const file = (offset: number) => join(chipDir, 'gpiochip0', String(offset))

  return {
    toolsDir,
    v1ToolsDir,
    env: { FAKE_GPIO_DIR: chipDir },
    async level(offset) {
      if (!existsSync(file(offset))) return false
      return (await readFile(file(offset), 'utf8')).startsWith('1')
    },
    async drive(offset, high) {
      await writeFile(file(offset), `${high ? 1 : 0} ${process.hrtime.bigint()}`)
    },
    async holder(offset) {
      const lock = `${file(offset)}.lock`
      if (!existsSync(lock)) return undefined
      const pid = Number(await readFile(lock, 'utf8'))
      try {
        process.kill(pid, 0)
        return pid
      } catch {
        return undefined
      }
    },
    close: () => rm(root, { recursive: true, force: true }),
  }
}
