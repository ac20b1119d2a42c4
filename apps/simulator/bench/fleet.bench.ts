// `npm run bench -- fleet [seconds]`: how many charging sessions per second the simulated fleet completes against
// the dev chain with 100 piles (free, escrow and channel mixed), every agent real, every payment on chain.
import { startDevNet } from '../src/devnet.js'
import { planFleet } from '../src/fleet.js'
import { runFleet } from '../src/fleetRunner.js'
import { createProgress } from '../src/progress.js'
import { provisionFleet } from '../src/provision.js'

const PILES = 100
const CARS = 150
const SPEED = 1_000
const seconds = Number(process.argv[2] ?? 40)
if (!(Number.isFinite(seconds) && seconds > 0)) {
  process.stderr.write('Usage: npm run bench -- fleet [seconds > 0]\n')
  process.exit(2)
}

const devnet = await startDevNet()
try {
  process.stderr.write(`Provisioning ${PILES} piles and ${CARS} cars…\n`)
  const fleet = await provisionFleet(devnet, planFleet({ piles: PILES, cars: CARS, seed: 11 }))
  const progress = createProgress()
  const stop = new AbortController()
  process.stderr.write(`Running for ${seconds} s…\n`)
  const started = performance.now()
  const timer = setTimeout(() => stop.abort(new Error('bench over')), seconds * 1_000)
  await runFleet({
    devnet,
    fleet,
    speed: SPEED,
    link: 'memory',
    seed: 11,
    progress,
    signal: stop.signal,
    scenario: { energyWh: [300, 1_500], hurried: true },
    timing: { meterIntervalMs: 60_000 },
  })
  clearTimeout(timer)
  const durationS = (performance.now() - started) / 1_000
  const { sessions, energyWh, errors } = progress.snapshot()
  const total = sessions.free + sessions.escrow + sessions.channel
  const sessionsPerSecond = total / durationS
  const rows: Array<[string, string]> = [
    ['piles / cars', `${PILES} / ${CARS}`],
    ['simulated speed', `${SPEED}×`],
    ['wall time', `${durationS.toFixed(1)} s`],
    ['sessions', `${total} (free ${sessions.free}, escrow ${sessions.escrow}, channel ${sessions.channel})`],
    ['energy', `${(energyWh / 1_000).toFixed(1)} kWh`],
    ['errors', String(errors)],
    ['sessions per second', sessionsPerSecond.toFixed(2)],
  ]
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(22)}${value}\n`)
  process.stdout.write(
    `${JSON.stringify({
      sessionsPerSecond: Number(sessionsPerSecond.toFixed(3)),
      sessions: total,
      mix: sessions,
      errors,
      durationS: Number(durationS.toFixed(1)),
      piles: PILES,
      cars: CARS,
      speed: SPEED,
    })}\n`,
  )
} finally {
  await devnet.stop()
}
