// `npm run bench -- NAME` runs the benchmark NAME: a `*.bench.ts` script registered below.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const benches: Record<string, string> = {
  gas: 'packages/contracts/bench/gas.bench.ts',
  link: 'apps/simulator/bench/link.bench.ts',
  fleet: 'apps/simulator/bench/fleet.bench.ts',
  db: 'packages/db/bench/queries.bench.ts',
  api: 'apps/server/bench/api.bench.ts',
  ocpp: 'packages/ocpp/bench/ocpp.bench.ts',
  dashboard: 'apps/dashboard/bench/dashboard.bench.ts',
  indexer: 'packages/indexer/bench/indexer.bench.ts',
}

const name = process.argv[2]
const root = fileURLToPath(new URL('..', import.meta.url))
const file = name ? benches[name] : undefined
if (!file || !existsSync(`${root}/${file}`)) {
  const known = Object.entries(benches)
    .filter(([, path]) => existsSync(`${root}/${path}`))
    .map(([key]) => key)
  console.error(`Unknown benchmark "${name ?? ''}". Run one of: npm run bench -- ${known.join(' | ')}`)
  process.exit(2)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
})
process.exit(result.status ?? 1)
