// The agents' main programs, bundled once per test process: a crash matrix starts hundreds of agent processes, and
// `node --import tsx` costs about a second of CPU per start where a bundle costs a tenth of that. Same sources, same
// mains; only packages with files of their own at run time (pino's worker threads) stay outside.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const repository = fileURLToPath(new URL('../../../../', import.meta.url))
const mains = {
  pile: join(repository, 'apps/pile-agent/src/main.ts'),
  vehicle: join(repository, 'apps/vehicle-agent/src/main.ts'),
} as const

export interface AgentBundles {
  readonly pile: string
  readonly vehicle: string
  /** Deletes the bundles. */
  remove(): Promise<void>
}

/** Bundles both mains under node_modules/.cache (so the left-out packages resolve), one folder per test process. */
export async function bundleAgents(): Promise<AgentBundles> {
  const directory = join(repository, 'node_modules/.cache/chargechain-crash', String(process.pid))
  await mkdir(directory, { recursive: true })
  const bundle = async (name: keyof typeof mains) => {
    const outfile = join(directory, `${name}.mjs`)
    await build({
      entryPoints: [mains[name]],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['pino', 'thread-stream', 'solc', '@foundry-rs/anvil'],
      // Bundled CommonJS dependencies call require(); an ES module has none of its own.
      banner: {
        js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
      },
      logLevel: 'warning',
    })
    return outfile
  }
  const [pile, vehicle] = await Promise.all([bundle('pile'), bundle('vehicle')])
  return { pile, vehicle, remove: () => rm(directory, { recursive: true, force: true }) }
}
