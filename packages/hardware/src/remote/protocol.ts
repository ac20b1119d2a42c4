// The bridge's wire messages. Every message is a plain JSON object, so it travels unchanged over Node IPC or as one
// line of newline-delimited JSON over a socket.

import { z } from 'zod'
import { HardwareClosedError, MeterReadError, type MeterReadFailure } from '../errors.js'
import { indicatorStates } from '../lights.js'
import { RemoteHardwareError } from './errors.js'

export const BRIDGE_PROTOCOL_VERSION = 1

export type PartKind = 'input' | 'output' | 'meter' | 'lights'

const partDescription = z.discriminatedUnion('kind', [
  z.object({ name: z.string(), kind: z.literal('input'), debounceMs: z.number(), level: z.boolean() }),
  z.object({ name: z.string(), kind: z.literal('output') }),
  z.object({ name: z.string(), kind: z.literal('meter') }),
  z.object({ name: z.string(), kind: z.literal('lights'), shown: z.enum(indicatorStates) }),
])
export type PartDescription = z.infer<typeof partDescription>

const callOperation = z.enum(['set', 'isOn', 'read', 'show'])
export type CallOperation = z.infer<typeof callOperation>

const serializedError = z.object({
  name: z.string(),
  message: z.string(),
  reason: z.enum(['timeout', 'crc', 'no-reply', 'malformed'] satisfies MeterReadFailure[]).optional(),
})
export type SerializedError = z.infer<typeof serializedError>

/**
 * The served clock at the moment of the hello: a real clock, one running at `speed` × real time (mirrored exactly by
 * the client), or one stepped by a test (which another process cannot follow).
 */
const clockDescription = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('real'), now: z.number() }),
  z.object({ mode: z.literal('running'), now: z.number(), speed: z.number() }),
  z.object({ mode: z.literal('stepped'), now: z.number() }),
])
export type ClockDescription = z.infer<typeof clockDescription>

const clientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number(),
    part: z.string(),
    op: callOperation,
    arg: z.unknown().optional(),
  }),
  z.object({ type: z.literal('ping'), id: z.number() }),
])
export type ClientMessage = z.infer<typeof clientMessage>

const serverMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    version: z.number(),
    parts: z.array(partDescription),
    /** The served clock's time and speed at the moment of the hello, so the client can run an identical clock. */
    clock: clockDescription.optional(),
  }),
  z.object({ type: z.literal('edge'), part: z.string(), level: z.boolean(), at: z.number() }),
  z.object({ type: z.literal('result'), id: z.number(), value: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number(), error: serializedError }),
  z.object({ type: z.literal('pong'), id: z.number() }),
])
export type ServerMessage = z.infer<typeof serverMessage>

/** Only the version of a hello: a server of another version may describe its parts differently. */
const helloVersion = z.object({ type: z.literal('hello'), version: z.number() })

/** Narrows what arrived from the client; anything malformed is `undefined` and dropped by the server. */
export function parseClientMessage(value: unknown): ClientMessage | undefined {
  return clientMessage.safeParse(value).data
}

/**
 * Narrows what arrived from the server; anything malformed is `undefined` and dropped. A hello of another protocol
 * version is reported as such, whatever its parts look like, so the client can say which versions disagree.
 */
export function parseServerMessage(
  value: unknown,
): ServerMessage | { type: 'otherVersion'; version: number } | undefined {
  const hello = helloVersion.safeParse(value).data
  if (hello && hello.version !== BRIDGE_PROTOCOL_VERSION)
    return { type: 'otherVersion', version: hello.version }
  return serverMessage.safeParse(value).data
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
