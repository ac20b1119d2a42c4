// The agents' main programs, bundled once per test process: a crash matrix starts hundreds of agent processes, and
// `node --import tsx` costs about a second of CPU per start where a bundle costs a fraction of that. Same sources, same
// mains: the workspace's TypeScript is compiled into the bundle, installed packages load from node_modules.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const repository = fileURLToPath(new URL('../../../../', import.meta.url))
const mains = {
  pile: join(repository, 'apps/pile-agent/src/main.ts'),
  vehicle: join(repository, 'apps/vehicle-agent/src/main.ts'),
} as const

const installedPackagesOutside: Plugin = {
  name: 'installed-packages-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@chargechain/') ? undefined : { path: args.path, external: true },
    )
  },
}

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
      // Only the workspace's own TypeScript is bundled; every installed package is loaded from node_modules as usual
      // (native bindings such as serialport's find their files there).
      plugins: [installedPackagesOutside],
      logLevel: 'warning',
    })
    return outfile
  }
  const [pile, vehicle] = await Promise.all([bundle('pile'), bundle('vehicle')])
  return { pile, vehicle, remove: () => rm(directory, { recursive: true, force: true }) }
}
