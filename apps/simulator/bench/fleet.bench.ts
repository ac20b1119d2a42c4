// `npm run bench -- fleet [seconds] [--link memory|throttled|tcp]`: how many charging sessions per second the simulated
// fleet completes against the dev chain with 100 piles (free, escrow and channel mixed), every agent real, every
// payment on chain. Every visit must end in a session: errors (a failed visit) and abandoned visits (ended without a
// charge) are counted, and so is the fewest sessions any one pile finished, which a pile that hangs drives to zero.
import { parseArgs } from 'node:util'
import { startDevNet } from '../src/devnet.js'
import { planFleet } from '../src/fleet.js'
import { runFleet } from '../src/fleetRunner.js'
import { parseLinkKind } from '../src/links.js'
import { createProgress } from '../src/progress.js'
import { provisionFleet } from '../src/provision.js'

const PILES = 100
const CARS = 150
const SPEED = 1_000
const usage = 'Usage: npm run bench -- fleet [seconds > 0] [--link memory|throttled|tcp]\n'
const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { link: { type: 'string', default: 'memory' } }, allowPositionals: true })
  } catch {
    process.stderr.write(usage)
    process.exit(2)
  }
})()
const seconds = Number(positionals[0] ?? 40)
if (!(Number.isFinite(seconds) && seconds > 0) || positionals.length > 1) {
  process.stderr.write(usage)
  process.exit(2)
}
const link = parseLinkKind(values.link)

const devnet = await startDevNet()
try {
  process.stderr.write(`Provisioning ${PILES} piles and ${CARS} cars…\n`)
  const fleet = await provisionFleet(devnet, planFleet({ piles: PILES, cars: CARS, seed: 11 }))
  const progress = createProgress()
  const perPile = new Map(fleet.plan.piles.map((pile) => [pile.dmid, 0]))
  const stop = new AbortController()
  process.stderr.write(`Running for ${seconds} s over ${link} links…\n`)
  const started = performance.now()
  const timer = setTimeout(() => stop.abort(new Error('bench over')), seconds * 1_000)
  await runFleet({
    devnet,
    fleet,
    speed: SPEED,
    link,
    seed: 11,
    progress,
    signal: stop.signal,
    scenario: { energyWh: [300, 1_500], hurried: true },
    timing: { meterIntervalMs: 60_000 },
    onSession: (_session, _car, pile) => perPile.set(pile.dmid, (perPile.get(pile.dmid) ?? 0) + 1),
  })
  clearTimeout(timer)
  const durationS = (performance.now() - started) / 1_000
  const { sessions, energyWh, errors, abandoned } = progress.snapshot()
  const total = sessions.free + sessions.escrow + sessions.channel
  const sessionsPerSecond = total / durationS
  const fewestAtAPile = Math.min(...perPile.values())
  const rows: Array<[string, string]> = [
    ['piles / cars', `${PILES} / ${CARS}`],
    ['link', link],
    ['simulated speed', `${SPEED}×`],
    ['wall time', `${durationS.toFixed(1)} s`],
    ['sessions', `${total} (free ${sessions.free}, escrow ${sessions.escrow}, channel ${sessions.channel})`],
    ['fewest at a pile', String(fewestAtAPile)],
    ['energy', `${(energyWh / 1_000).toFixed(1)} kWh`],
    ['errors', String(errors)],
    ['abandoned', String(abandoned)],
    ['sessions per second', sessionsPerSecond.toFixed(2)],
  ]
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(22)}${value}\n`)
  process.stdout.write(
    `${JSON.stringify({
      sessionsPerSecond: Number(sessionsPerSecond.toFixed(3)),
      sessions: total,
      mix: sessions,
      errors,
      abandoned,
      fewestAtAPile,
      link,
      durationS: Number(durationS.toFixed(1)),
      piles: PILES,
      cars: CARS,
      speed: SPEED,
    })}\n`,
  )
} finally {
  await devnet.stop()
}
