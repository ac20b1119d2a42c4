// One process of the ocpp bench's simulated fleet: `count` chargers from `first`, each a bare ws connection (no
// OCPP library), booting, then sending MeterValues every `meterSeconds` and a Heartbeat every `heartbeatSeconds`
// until told to stop. Talks to the bench over IPC: 'connected' once all booted, then 'go' → measures → 'stop' →
// sends its latencies.
import { parseArgs } from 'node:util'
import WebSocket from 'ws'

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    first: { type: 'string' },
    count: { type: 'string' },
    password: { type: 'string' },
    meterSeconds: { type: 'string', default: '10' },
    heartbeatSeconds: { type: 'string', default: '60' },
    connecting: { type: 'string', default: '50' },
  },
})
const endpoint = values.endpoint ?? ''
const first = Number(values.first)
const count = Number(values.count)
const password = values.password ?? ''
const meterMs = Number(values.meterSeconds) * 1000
const heartbeatMs = Number(values.heartbeatSeconds) * 1000
const send = (message: unknown) => process.send?.(message)

interface Charger {
  socket: WebSocket
  energyWh: number
  pending: Map<string, { sentAt: number; action: string; done(): void }>
}

const chargers: Charger[] = []
const latencies: { meter: number[]; heartbeat: number[] } = { meter: [], heartbeat: [] }
let measuring = false
let errors = 0
let nextId = 0
const timers: NodeJS.Timeout[] = []

const chargerId = (index: number) => `BENCH-${String(index).padStart(5, '0')}`

function call(charger: Charger, action: string, payload: unknown): Promise<void> {
  const id = String(nextId++)
  return new Promise((resolve) => {
    charger.pending.set(id, { sentAt: performance.now(), action, done: resolve })
    charger.socket.send(JSON.stringify([2, id, action, payload]))
  })
}

async function open(index: number): Promise<Charger> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectOnce(index)
    } catch (error) {
      // 503 while the server's password checks are saturated, or a refused connection: back off and retry.
      if (attempt > 50) throw error
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800))
    }
  }
}

function connectOnce(index: number): Promise<Charger> {
  const identity = chargerId(index)
  const socket = new WebSocket(`${endpoint}/${identity}`, ['ocpp1.6'], {
    headers: { authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}` },
  })
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      const charger: Charger = { socket, energyWh: 1_000_000 + index, pending: new Map() }
      chargers.push(charger)
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString())
        const entry = charger.pending.get(frame[1])
        if (!entry) return
        charger.pending.delete(frame[1])
        if (frame[0] !== 3) errors++
        if (measuring) {
          const latency = performance.now() - entry.sentAt
          ;(entry.action === 'MeterValues' ? latencies.meter : latencies.heartbeat).push(latency)
        }
        entry.done()
      })
      socket.on('close', () => {
        if (measuring) errors++
      })
      resolve(charger)
    })
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate()
      reject(new Error(`HTTP ${response.statusCode}`))
    })
    socket.once('error', reject)
  })
}

async function connectAll(): Promise<void> {
  let next = first
  const end = first + count
  const workers = Array.from({ length: Number(values.connecting) }, async () => {
    while (next < end) {
      const index = next++
      const charger = await open(index)
      await call(charger, 'BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Raw' })
    }
  })
  await Promise.all(workers)
}

function meterValues(charger: Charger): void {
  // About 7 kW for 10 s: plausible for the pile's rated power, so every reading counts.
  charger.energyWh += 19
  void call(charger, 'MeterValues', {
    connectorId: 1,
    meterValue: [
      {
        timestamp: new Date().toISOString(),
        sampledValue: [
          { value: String(charger.energyWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
        ],
      },
    ],
  })
}

function go(): void {
  measuring = true
  for (const charger of chargers) {
    // Spread evenly: each charger starts its cycles at its own offset.
    const meterOffset = Math.random() * meterMs
    const heartbeatOffset = Math.random() * heartbeatMs
    timers.push(
      setTimeout(() => {
        meterValues(charger)
        timers.push(setInterval(() => meterValues(charger), meterMs))
      }, meterOffset),
      setTimeout(() => {
        void call(charger, 'Heartbeat', {})
        timers.push(setInterval(() => void call(charger, 'Heartbeat', {}), heartbeatMs))
      }, heartbeatOffset),
    )
  }
}

async function stop(): Promise<void> {
  for (const timer of timers) clearTimeout(timer)
  // Wait for answers still under way, then stop measuring.
  const deadline = Date.now() + 10_000
  while (chargers.some((charger) => charger.pending.size > 0) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50))
  measuring = false
  const unanswered = chargers.reduce((sum, charger) => sum + charger.pending.size, 0)
  send({ type: 'result', latencies, errors, unanswered })
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'go') go()
  if (message.type === 'stop') void stop()
  if (message.type === 'close') {
    for (const charger of chargers) charger.socket.terminate()
    process.exit(0)
  }
})

connectAll().then(
  () => send({ type: 'connected', count: chargers.length }),
  (error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  },
)
