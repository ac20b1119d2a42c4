// `npm run bench -- ocpp`: one OCPP server on embedded PGlite holding a fleet of simulated chargers that run in
// processes of their own (bench/chargers.ts, bare ws connections, ~2,500 a process). Each charger boots, then sends
// MeterValues every 10 s and a Heartbeat every 60 s; every MeterValues is stored as a meter_values row, counted at
// the end. Latency is the charger's: from sending a CALL to its CALLRESULT.
// The database is PGlite in a data folder, as `chargechain-server start` runs it. An in-memory PGlite, which an operator
// never runs, keeps its files in the JavaScript heap: there the server stalled 0.4–0.9 s in garbage collection.
// Prints a table, then (last line) one JSON object: { piles, messagesPerSecond, p99Ms, storedRows, … }.
// Options: --piles N (10000), --processes N (4), --seconds N (60, measured after all are connected).
import { type ChildProcess, execSync, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chargers, meterValues, openDatabase, piles } from '@chargechain/db'
import { count } from 'drizzle-orm'
import { hashChargerPassword } from '../src/server/auth.js'
import { createOcppServer } from '../src/server/createOcppServer.js'

const { values } = parseArgs({
  options: {
    piles: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '60' },
  },
})
const PILES = Number(values.piles)
const PROCESSES = Number(values.processes)
const SECONDS = Number(values.seconds)
const password = 'bench-charger-password-0001'
const chargerId = (index: number) => `BENCH-${String(index).padStart(5, '0')}`

// Every charger is a socket here and a socket in a child: check the descriptor limit first.
const limit = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim())
if (limit < PILES + 1000) {
  console.error(
    `ulimit -n is ${limit}; ${PILES} chargers need at least ${PILES + 1000}. Raise it (ulimit -n) and rerun.`,
  )
  process.exit(2)
}

const dataDir = await mkdtemp(join(tmpdir(), 'chargechain-ocpp-bench-'))
const database = await openDatabase({ engine: 'pglite', dataDir })
const { db } = database
const seeding = performance.now()
// One password for the whole fleet (hashed once); the server still checks each charger's on its own.
const passwordHash = await hashChargerPassword(password)
for (let start = 0; start < PILES; start += 1000) {
  const rows = await db
    .insert(piles)
    .values(
      Array.from({ length: Math.min(1000, PILES - start) }, (_, i) => ({
        dmid: chargerId(start + i),
        name: chargerId(start + i),
        ratedPowerW: 7400,
      })),
    )
    .returning({ id: piles.id, dmid: piles.dmid })
  await db.insert(chargers).values(rows.map((row) => ({ id: row.dmid ?? '', pileId: row.id, passwordHash })))
}
const seedSeconds = (performance.now() - seeding) / 1000

const ocpp = await createOcppServer({ database, maxPayloadBytes: 64 * 1024, heartbeatIntervalSeconds: 60 })
const http = createServer()
http.on('upgrade', (request, socket, head) => ocpp.handleUpgrade(request, socket, head))
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
const { port } = http.address() as AddressInfo

interface Result {
  latencies: { meter: number[]; heartbeat: number[] }
  errors: number
  unanswered: number
}

const script = fileURLToPath(new URL('./chargers.ts', import.meta.url))
const children: ChildProcess[] = []
const connecting = performance.now()
const perProcess = Math.ceil(PILES / PROCESSES)
const connected = Array.from({ length: PROCESSES }, (_, i) => {
  const first = i * perProcess
  const args = [
    '--import',
    'tsx',
    script,
    `--endpoint=ws://127.0.0.1:${port}/ocpp`,
    `--first=${first}`,
    `--count=${Math.min(perProcess, PILES - first)}`,
    `--password=${password}`,
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.push(child)
  return new Promise<void>((resolve, reject) => {
    child.once('message', (message: { type: string; message?: string }) =>
      message.type === 'connected' ? resolve() : reject(new Error(message.message)),
    )
    child.once('exit', (code) => reject(new Error(`a charger process exited with ${code}`)))
  })
})
await Promise.all(connected)
const connectSeconds = (performance.now() - connecting) / 1000
console.error(`${PILES} chargers connected in ${connectSeconds.toFixed(1)} s; measuring ${SECONDS} s…`)

const [before] = await db.select({ rows: count() }).from(meterValues)
for (const child of children) child.send({ type: 'go' })
const measuring = performance.now()
// The server's own CPU and event-loop use while measuring: steadier than latency on a machine others load too.
const cpuBefore = process.cpuUsage()
const loopBefore = performance.eventLoopUtilization()
// How long the server's event loop was held up: a stall here delays every charger's answer.
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000))
const results = await Promise.all(
  children.map(
    (child) =>
      new Promise<Result>((resolve) => {
        child.on('message', (message: { type: string } & Result) => {
          if (message.type === 'result') resolve(message)
        })
        child.send({ type: 'stop' })
      }),
  ),
)
const elapsed = (performance.now() - measuring) / 1000
const cpu = process.cpuUsage(cpuBefore)
const loop = performance.eventLoopUtilization(loopBefore)
loopDelay.disable()
const [after] = await db.select({ rows: count() }).from(meterValues)
const storedRows = (after?.rows ?? 0) - (before?.rows ?? 0)

for (const child of children) child.send({ type: 'close' })
await ocpp.close()
await new Promise((resolve) => http.close(resolve))
await database.close()
await rm(dataDir, { recursive: true, force: true })

const meter = results.flatMap((result) => result.latencies.meter)
const heartbeat = results.flatMap((result) => result.latencies.heartbeat)
const all = [...meter, ...heartbeat].sort((a, b) => a - b)
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
const errors = results.reduce((sum, result) => sum + result.errors, 0)
const unanswered = results.reduce((sum, result) => sum + result.unanswered, 0)
const figures = {
  piles: PILES,
  processes: PROCESSES,
  engine: 'pglite (data folder)',
  seconds: Number(elapsed.toFixed(1)),
  meterValues: meter.length,
  heartbeats: heartbeat.length,
  messagesPerSecond: Math.round(all.length / elapsed),
  p50Ms: Number(quantile(all, 0.5).toFixed(1)),
  p99Ms: Number(quantile(all, 0.99).toFixed(1)),
  maxMs: Number((all.at(-1) ?? 0).toFixed(1)),
  storedRows,
  serverCpuMsPerMessage: Number(((cpu.user + cpu.system) / 1000 / Math.max(1, all.length)).toFixed(2)),
  serverLoopBusy: Number(loop.utilization.toFixed(2)),
  serverLoopDelayP99Ms: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
  serverLoopDelayMaxMs: Number((loopDelay.max / 1e6).toFixed(1)),
  errors,
  unanswered,
  connectSeconds: Number(connectSeconds.toFixed(1)),
  seedSeconds: Number(seedSeconds.toFixed(1)),
}
console.table({
  'chargers (processes)': `${PILES} (${PROCESSES})`,
  'connected and booted in': `${figures.connectSeconds} s`,
  measured: `${figures.seconds} s`,
  'MeterValues / Heartbeats answered': `${figures.meterValues} / ${figures.heartbeats}`,
  'messages per second': figures.messagesPerSecond,
  'latency p50 / p99 / max': `${figures.p50Ms} / ${figures.p99Ms} / ${figures.maxMs} ms`,
  'meter_values rows stored': storedRows,
  'server CPU per message / event loop busy': `${figures.serverCpuMsPerMessage} ms / ${figures.serverLoopBusy}`,
  'server event loop delay p99 / max': `${figures.serverLoopDelayP99Ms} / ${figures.serverLoopDelayMaxMs} ms`,
  'CALLERRORs or drops / unanswered': `${errors} / ${unanswered}`,
})
console.log(JSON.stringify(figures))
