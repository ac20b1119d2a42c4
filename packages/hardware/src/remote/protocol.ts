// The bridge's wire messages. Every message is a plain JSON object, so it travels unchanged over Node IPC or as one
// line of newline-delimited JSON over a socket.

import { HardwareClosedError, MeterReadError, type MeterReadFailure } from '../errors.js'
import type { IndicatorState } from '../lights.js'
import { RemoteHardwareError } from './errors.js'

export const BRIDGE_PROTOCOL_VERSION = 1

export type PartKind = 'input' | 'output' | 'meter' | 'lights'

export type PartDescription =
  | { name: string; kind: 'input'; debounceMs: number; level: boolean }
  | { name: string; kind: 'output' }
  | { name: string; kind: 'meter' }
  | { name: string; kind: 'lights'; shown: IndicatorState }

export type CallOperation = 'set' | 'isOn' | 'read' | 'show'

export interface SerializedError {
  name: string
  message: string
  reason?: MeterReadFailure
}

/**
 * The served clock at the moment of the hello: a real clock, one running at `speed` × real time (mirrored exactly by
 * the client), or one stepped by a test (which another process cannot follow).
 */
export type ClockDescription =
  | { mode: 'real'; now: number }
  | { mode: 'running'; now: number; speed: number }
  | { mode: 'stepped'; now: number }

export type ClientMessage =
  | { type: 'call'; id: number; part: string; op: CallOperation; arg?: unknown }
  | { type: 'ping'; id: number }

export type ServerMessage =
  | {
      type: 'hello'
      version: number
      parts: PartDescription[]
      /** The served clock's time and speed at the moment of the hello, so the client can run an identical clock. */
      clock?: ClockDescription
    }
  | { type: 'edge'; part: string; level: boolean; at: number }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'pong'; id: number }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const callOperations: readonly string[] = ['set', 'isOn', 'read', 'show'] satisfies CallOperation[]

/** Narrows what arrived from the client; anything malformed is `undefined` and dropped by the server. */
export function parseClientMessage(value: unknown): ClientMessage | undefined {
  if (!isObject(value) || typeof value.id !== 'number') return undefined
  if (value.type === 'ping') return { type: 'ping', id: value.id }
  if (value.type !== 'call' || typeof value.part !== 'string') return undefined
  if (typeof value.op !== 'string' || !callOperations.includes(value.op)) return undefined
  return { type: 'call', id: value.id, part: value.part, op: value.op as CallOperation, arg: value.arg }
}

/** Narrows what arrived from the server. */
export function parseServerMessage(value: unknown): ServerMessage | undefined {
  if (!isObject(value)) return undefined
  switch (value.type) {
    case 'hello':
      return typeof value.version === 'number' && Array.isArray(value.parts)
        ? (value as unknown as ServerMessage)
        : undefined
    case 'edge':
      return typeof value.part === 'string' &&
        typeof value.level === 'boolean' &&
        typeof value.at === 'number'
        ? (value as unknown as ServerMessage)
        : undefined
    case 'result':
    case 'pong':
      return typeof value.id === 'number' ? (value as unknown as ServerMessage) : undefined
    case 'error':
      return typeof value.id === 'number' && isObject(value.error) && typeof value.error.name === 'string'
        ? (value as unknown as ServerMessage)
        : undefined
    default:
      return undefined
  }
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof MeterReadError)
    return { name: error.name, message: error.shortMessage, reason: error.reason }
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}

/**
 * Rebuilds the served part's error as the class the interfaces promise (a retryable `MeterReadError` stays one, so the
 * agent's retry policy works the same across the bridge).
 */
export function deserializeError(error: SerializedError, part: string): Error {
  switch (error.name) {
    case 'MeterReadError':
      return new MeterReadError(error.reason ?? 'malformed', {
        details: `${part} (remote): ${error.message}`,
      })
    case 'HardwareClosedError':
      return new HardwareClosedError(`${part} (closed on the serving side)`)
    default:
      return new RemoteHardwareError(error.name, error.message)
  }
}
