import type { Clock } from '../clock.js'
import { InvalidHardwareOptionError } from '../errors.js'
import type { DigitalInput } from '../inputs.js'
import type { IndicatorLights, IndicatorState } from '../lights.js'
import type { EnergyMeter, VehicleEnergyMeter } from '../meter.js'
import type { BinaryOutput } from '../outputs.js'
import type { SimulatedClock } from '../simulated/clock.js'
import type { HardwareChannel } from './channel.js'
import {
  BRIDGE_PROTOCOL_VERSION,
  type ClientMessage,
  type ClockDescription,
  type PartDescription,
  parseClientMessage,
  type ServerMessage,
  serializeError,
} from './protocol.js'

/** Any part the bridge can serve; its kind is recognised by shape, as every interface here is distinct. */
export type ServablePart = DigitalInput | BinaryOutput | EnergyMeter | VehicleEnergyMeter | IndicatorLights

export interface ServeHardwareOptions {
  /** The clock the parts run on; the client gets a clock of the same time and speed. */
  clock?: Clock | SimulatedClock
  /**
   * The client sends a heartbeat every second; with no message for this long (real milliseconds) the client counts as
   * gone, as a hung agent is: every served output is switched off. Default 5000. `0` disables the timer, leaving
   * only the channel's own close to detect a dead client.
   */
  watchdogMs?: number
}

export interface ServedHardware {
  /** Resolves once the client has gone (or `close()` was called) and every served output is off. */
  readonly closed: Promise<void>
  /** Ends this client's session: outputs off, channel closed. The parts themselves stay open (the world owns them). */
  close(): Promise<void>
}

type Part =
  | { kind: 'input'; part: DigitalInput }
  | { kind: 'output'; part: BinaryOutput }
  | { kind: 'meter'; part: EnergyMeter | VehicleEnergyMeter }
  | { kind: 'lights'; part: IndicatorLights }

function classify(name: string, part: ServablePart): Part {
  if ('onEdge' in part) return { kind: 'input', part }
  if ('set' in part && 'isOn' in part) return { kind: 'output', part }
  if ('show' in part) return { kind: 'lights', part }
  if ('read' in part) return { kind: 'meter', part }
  throw new InvalidHardwareOptionError(
    `served part ${name}`,
    'an input, output, meter or indicator lights',
    part,
  )
}

function describe(name: string, entry: Part): PartDescription {
  switch (entry.kind) {
    case 'input':
      return { name, kind: 'input', debounceMs: entry.part.debounceMs, level: entry.part.current() }
    case 'lights':
      return { name, kind: 'lights', shown: entry.part.current() }
    default:
      return { name, kind: entry.kind }
  }
}

function describeClock(clock: Clock | SimulatedClock): ClockDescription {
  if (!('advance' in clock)) return { mode: 'real', now: clock.now() }
  return clock.speed === undefined
    ? { mode: 'stepped', now: clock.now() }
    : { mode: 'running', now: clock.now(), speed: clock.speed }
}

/**
 * Serves hardware parts to an agent in another process over `channel`: inputs push their debounced edges, outputs,
 * meters and lights answer calls. The parts outlive the client, as a pile's meter outlives a crashed Raspberry Pi; when
 * the client goes away — channel closed, process killed, or silent past the watchdog — every served output (the
 * charging relay, the HC-05 power) is switched off, as a hardware watchdog would.
 */
export function serveHardware(
  parts: Readonly<Record<string, ServablePart>>,
  channel: HardwareChannel,
  options: ServeHardwareOptions = {},
): ServedHardware {
  const entries = new Map(Object.entries(parts).map(([name, part]) => [name, classify(name, part)]))
  const send = (message: ServerMessage) => {
    try {
      channel.send(message)
    } catch {
      // The client is gone; the close handler switches the outputs off.
    }
  }
  const watchdogMs = options.watchdogMs ?? 5_000
  let watchdog: NodeJS.Timeout | undefined
  const feedWatchdog = () => {
    if (watchdogMs <= 0) return
    clearTimeout(watchdog)
    watchdog = setTimeout(() => channel.close(), watchdogMs)
  }

  const unsubscribe: Array<() => void> = []
  for (const [name, entry] of entries) {
    if (entry.kind !== 'input') continue
    unsubscribe.push(
      entry.part.onEdge((edge) => send({ type: 'edge', part: name, level: edge.level, at: edge.at })),
    )
  }

  const call = async (message: Extract<ClientMessage, { type: 'call' }>): Promise<unknown> => {
    const entry = entries.get(message.part)
    const expected = { set: 'output', isOn: 'output', read: 'meter', show: 'lights' }[message.op]
    if (!entry || entry.kind !== expected) {
      throw new InvalidHardwareOptionError('remote part', `a served ${expected} name`, message.part)
    }
    switch (entry.kind) {
      case 'output':
        if (message.op === 'isOn') return entry.part.isOn()
        if (typeof message.arg !== 'boolean')
          throw new InvalidHardwareOptionError('set', 'true | false', message.arg)
        return entry.part.set(message.arg)
      case 'meter':
        return entry.part.read()
      case 'lights':
        return entry.part.show(message.arg as IndicatorState)
      default:
        return undefined
    }
  }

  let finished!: () => void
  const closed = new Promise<void>((resolve) => {
    finished = resolve
  })
  let stopping = false
  const stop = async () => {
    if (stopping) return closed
    stopping = true
    clearTimeout(watchdog)
    for (const off of unsubscribe) off()
    const outputs = [...entries.values()].flatMap((entry) => (entry.kind === 'output' ? [entry.part] : []))
    // An output the world already closed is off by contract; nothing else can fail here that we could act on.
    await Promise.all(outputs.map((output) => output.set(false).catch(() => undefined)))
    finished()
    return closed
  }

  channel.onMessage((value) => {
    feedWatchdog()
    const message = parseClientMessage(value)
    if (!message) return
    if (message.type === 'ping') return send({ type: 'pong', id: message.id })
    call(message).then(
      (result) => send({ type: 'result', id: message.id, value: result ?? null }),
      (error: unknown) => send({ type: 'error', id: message.id, error: serializeError(error) }),
    )
  })
  channel.onClose(() => void stop())

  const clock = options.clock
  send({
    type: 'hello',
    version: BRIDGE_PROTOCOL_VERSION,
    parts: [...entries].map(([name, entry]) => describe(name, entry)),
    ...(clock ? { clock: describeClock(clock) } : {}),
  })
  feedWatchdog()

  return {
    closed,
    async close() {
      channel.close()
      await stop()
    },
  }
}
