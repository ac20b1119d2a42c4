import { type Clock, createRealClock } from '../clock.js'
import { HardwareClosedError, InvalidHardwareOptionError, MeterReadError } from '../errors.js'
import type { DigitalInput, EdgeListener } from '../inputs.js'
import { type IndicatorLights, type IndicatorState, indicatorStates } from '../lights.js'
import type { EnergyMeter, MeterReading, VehicleEnergyMeter, VehicleReading } from '../meter.js'
import type { BinaryOutput } from '../outputs.js'
import { createSimulatedClock } from '../simulated/clock.js'
import type { HardwareChannel } from './channel.js'
import { HardwareBridgeError } from './errors.js'
import {
  BRIDGE_PROTOCOL_VERSION,
  type CallOperation,
  type ClientMessage,
  type ClockDescription,
  deserializeError,
  type PartDescription,
  type PartKind,
  parseServerMessage,
  type ServerMessage,
} from './protocol.js'

export interface RemoteHardwareOptions {
  /** How long to wait for the serving side's hello. Default 10 000 ms. */
  connectTimeoutMs?: number
  /** A call unanswered after this long fails (a meter read as a retryable `MeterReadError('timeout')`). Default 10 000 ms. */
  callTimeoutMs?: number
  /** Heartbeat period that keeps the server's watchdog fed. Default 1000 ms; keep it well under the server's watchdog. */
  heartbeatMs?: number
}

/** Hardware served by another process, behind the same interfaces as local drivers. */
export interface RemoteHardware {
  /** What the server offers, by name and kind. */
  readonly parts: readonly PartDescription[]
  input(name: string): DigitalInput
  output(name: string): BinaryOutput
  meter(name: string): EnergyMeter
  vehicleMeter(name: string): VehicleEnergyMeter
  lights(name: string): IndicatorLights
  /** A clock showing the served clock's time at its speed; throws if the server shares none or a stepped one. */
  readonly clock: Clock
  /** Resolves once everything the server sent before this call (edges, answers) has been delivered here. */
  sync(): Promise<void>
  /** Calls `listener` once when the bridge drops (the serving process ended or `close()` was called). */
  onClose(listener: (cause?: unknown) => void): () => void
  /** Closes every part (outputs go off first) and then the channel. */
  close(): Promise<void>
}

/** A client message before the request id is assigned. */
type ClientRequest = ClientMessage extends infer Message
  ? Message extends ClientMessage
    ? Omit<Message, 'id'>
    : never
  : never

interface PendingCall {
  resolve(value: unknown): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

function mirrorClock(description: ClockDescription | undefined): Clock | undefined {
  if (!description) return undefined
  if (description.mode === 'real') return createRealClock()
  if (description.mode === 'running')
    return createSimulatedClock({ start: description.now, speed: description.speed })
  return undefined
}

/**
 * Connects to hardware served by `serveHardware` in another process (over Node IPC or a socket) and resolves once the
 * server has said what it serves. Inputs keep their debounced level up to date from pushed edges, so `current()` stays
 * synchronous; every other call is a request answered by the served part, with its errors rebuilt as the same classes.
 */
export function remoteHardware(
  channel: HardwareChannel,
  options: RemoteHardwareOptions = {},
): Promise<RemoteHardware> {
  const { connectTimeoutMs = 10_000, callTimeoutMs = 10_000, heartbeatMs = 1_000 } = options
  const pending = new Map<number, PendingCall>()
  const edgeListeners = new Map<string, Set<EdgeListener>>()
  const levels = new Map<string, boolean>()
  let nextId = 1
  let bridgeClosed: unknown
  let isClosed = false

  const request = (message: ClientRequest, timeoutError: () => Error): Promise<unknown> => {
    if (isClosed) return Promise.reject(bridgeDown(bridgeClosed))
    const id = nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(timeoutError())
      }, callTimeoutMs)
      pending.set(id, { resolve, reject, timer })
      try {
        channel.send({ ...message, id })
      } catch (error) {
        clearTimeout(timer)
        pending.delete(id)
        reject(bridgeDown(error))
      }
    })
  }

  const handle = (message: ServerMessage) => {
    switch (message.type) {
      case 'edge': {
        levels.set(message.part, message.level)
        for (const listener of [...(edgeListeners.get(message.part) ?? [])])
          listener({ level: message.level, at: message.at })
        return
      }
      case 'result':
      case 'pong':
      case 'error': {
        const call = pending.get(message.id)
        if (!call) return
        pending.delete(message.id)
        clearTimeout(call.timer)
        if (message.type === 'error') call.reject(deserializeError(message.error, 'remote part'))
        else call.resolve(message.type === 'result' ? message.value : undefined)
        return
      }
      default:
        return
    }
  }

  return new Promise((resolveConnect, rejectConnect) => {
    const connectTimer = setTimeout(() => {
      channel.close()
      rejectConnect(
        new HardwareBridgeError(
          `No hardware server answered within ${connectTimeoutMs} ms; check that the serving process is running.`,
          {
            retryable: true,
          },
        ),
      )
    }, connectTimeoutMs)
    let heartbeat: NodeJS.Timeout | undefined

    channel.onClose((cause) => {
      isClosed = true
      bridgeClosed = cause
      clearTimeout(connectTimer)
      clearInterval(heartbeat)
      rejectConnect(bridgeDown(cause))
      for (const [id, call] of pending) {
        clearTimeout(call.timer)
        pending.delete(id)
        call.reject(bridgeDown(cause))
      }
    })

    channel.onMessage((value) => {
      const message = parseServerMessage(value)
      if (!message) return
      if (message.type === 'otherVersion') {
        clearTimeout(connectTimer)
        channel.close()
        return rejectConnect(
          new HardwareBridgeError(
            `The hardware server speaks bridge protocol ${message.version}, this agent ${BRIDGE_PROTOCOL_VERSION}; run matching versions.`,
          ),
        )
      }
      if (message.type !== 'hello') return handle(message)
      clearTimeout(connectTimer)
      for (const part of message.parts) if (part.kind === 'input') levels.set(part.name, part.level)
      heartbeat = setInterval(() => {
        request({ type: 'ping' }, () => bridgeDown('heartbeat unanswered')).catch(() => undefined)
      }, heartbeatMs)
      heartbeat.unref()
      resolveConnect(
        buildRemote(
          message.parts,
          mirrorClock(message.clock),
          message.clock,
          request,
          { edgeListeners, levels },
          channel,
          () => clearInterval(heartbeat),
        ),
      )
    })
  })
}

function bridgeDown(cause: unknown): HardwareBridgeError {
  return new HardwareBridgeError(
    'The hardware bridge is closed; the serving process ended or the agent shut down.',
    {
      cause,
      retryable: true,
    },
  )
}

type Request = (message: ClientRequest, timeoutError: () => Error) => Promise<unknown>

function buildRemote(
  parts: readonly PartDescription[],
  clock: Clock | undefined,
  clockDescription: ClockDescription | undefined,
  request: Request,
  inputs: { edgeListeners: Map<string, Set<EdgeListener>>; levels: Map<string, boolean> },
  channel: HardwareChannel,
  stopHeartbeat: () => void,
): RemoteHardware {
  const made = new Map<string, { close(): Promise<void> }>()
  const find = <Kind extends PartKind>(name: string, kind: Kind) => {
    const part = parts.find((candidate) => candidate.name === name)
    if (!part || part.kind !== kind) {
      const served = parts.map((candidate) => `${candidate.name} (${candidate.kind})`).join(', ') || 'nothing'
      throw new HardwareBridgeError(
        `The hardware server serves no ${kind} named "${name}"; it serves ${served}.`,
      )
    }
    return part as Extract<PartDescription, { kind: Kind }>
  }
  const once = <Part extends { close(): Promise<void> }>(name: string, make: () => Part): Part => {
    const existing = made.get(name)
    if (existing) return existing as Part
    const part = make()
    made.set(name, part)
    return part
  }
  const call = (part: string, op: CallOperation, arg?: unknown, timeoutError?: () => Error) =>
    request(
      { type: 'call', part, op, ...(arg === undefined ? {} : { arg }) },
      timeoutError ??
        (() =>
          new HardwareBridgeError(`Remote ${part} did not answer ${op} in time; check the serving process.`, {
            retryable: true,
          })),
    )

  const makeInput = (name: string): DigitalInput => {
    const description = find(name, 'input')
    const listeners = new Set<EdgeListener>()
    inputs.edgeListeners.set(name, listeners)
    let closed = false
    return {
      debounceMs: description.debounceMs,
      current() {
        if (closed) throw new HardwareClosedError(`remote input ${name}`)
        return inputs.levels.get(name) ?? description.level
      },
      onEdge(listener) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      async close() {
        closed = true
        listeners.clear()
      },
    }
  }

  const makeOutput = (name: string): BinaryOutput => {
    find(name, 'output')
    let closed = false
    const ensureOpen = () => {
      if (closed) throw new HardwareClosedError(`remote output ${name}`)
    }
    return {
      async set(on) {
        ensureOpen()
        await call(name, 'set', on)
      },
      async isOn() {
        ensureOpen()
        return (await call(name, 'isOn')) === true
      },
      async close() {
        if (closed) return
        closed = true
        // Off before release; if the bridge is already down the server's watchdog has switched it off.
        await call(name, 'set', false).catch(() => undefined)
      },
    }
  }

  const makeMeter = <Reading extends MeterReading>(name: string) => {
    find(name, 'meter')
    let closed = false
    const reads = new Set<(error: Error) => void>()
    return {
      read(): Promise<Reading> {
        if (closed) return Promise.reject(new HardwareClosedError(`remote meter ${name}`))
        return new Promise<Reading>((resolve, reject) => {
          const abandon = (error: Error) => reject(error)
          reads.add(abandon)
          call(
            name,
            'read',
            undefined,
            () => new MeterReadError('timeout', { details: `remote meter ${name} over the bridge` }),
          )
            .then(
              (value) => resolve(value as Reading),
              (error: Error) => reject(error),
            )
            .finally(() => reads.delete(abandon))
        })
      },
      async close() {
        closed = true
        for (const abandon of [...reads]) abandon(new HardwareClosedError(`remote meter ${name}`))
        reads.clear()
      },
    }
  }

  const makeLights = (name: string): IndicatorLights => {
    let shown = find(name, 'lights').shown
    let closed = false
    return {
      async show(state) {
        if (closed) throw new HardwareClosedError(`remote indicator lights ${name}`)
        if (!indicatorStates.includes(state)) {
          throw new InvalidHardwareOptionError('indicator state', indicatorStates.join(' | '), state)
        }
        await call(name, 'show', state)
        shown = state
      },
      current: () => shown,
      async close() {
        if (closed) return
        closed = true
        await call(name, 'show', 'idle' satisfies IndicatorState).catch(() => undefined)
        shown = 'idle'
      },
    }
  }

  return {
    parts,
    input: (name) => once(name, () => makeInput(name)),
    output: (name) => once(name, () => makeOutput(name)),
    meter: (name) => once(name, () => makeMeter<MeterReading>(name)),
    vehicleMeter: (name) => once(name, () => makeMeter<VehicleReading>(name)),
    lights: (name) => once(name, () => makeLights(name)),
    get clock(): Clock {
      if (clock) return clock
      throw new HardwareBridgeError(
        clockDescription
          ? 'The hardware server runs a clock stepped by hand, which another process cannot follow; serve a running clock.'
          : 'The hardware server shares no clock; pass `clock` to serveHardware.',
      )
    },
    async sync() {
      await request(
        { type: 'ping' },
        () =>
          new HardwareBridgeError('The hardware server did not answer a ping in time.', { retryable: true }),
      )
    },
    onClose: (listener) => channel.onClose(listener),
    async close() {
      await Promise.all([...made.values()].map((part) => part.close()))
      stopHeartbeat()
      channel.close()
    },
  }
}
