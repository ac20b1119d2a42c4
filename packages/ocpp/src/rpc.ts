import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { OcppError } from './errors.js'

// The small interface the OCPP server and client code against. `ocppRpc.ts` implements it with the ocpp-rpc
// library; another OCPP-J library could replace that one file.

/** OCPP 1.6J CALLERROR codes (§4.2.3, with the errata's FormationViolation and OccurrenceConstraintViolation). */
export type OcppErrorCode =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormationViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'

/** A CALLERROR: thrown by a handler to answer with one, or thrown by `call` when the other side answered one. */
export class CallError extends OcppError {
  override readonly name = 'CallError'
  readonly code: string

  constructor(code: OcppErrorCode | (string & {}), message: string) {
    super(message)
    this.code = code
  }
}

/** The other side did not answer a call in time. */
export class CallTimeoutError extends OcppError {
  override readonly name = 'CallTimeoutError'
}

/** The connection closed before or while a call was made. */
export class ConnectionClosedError extends OcppError {
  override readonly name = 'ConnectionClosedError'
}

/** A handler for one action: its payload was already checked against the OCPP 1.6 JSON schema. */
export type CallHandler = (payload: unknown) => Promise<unknown>

/**
 * A handler that types its payload as its action's schema says: the one place where a checked payload takes its
 * type (the schemas are JSON, not TypeScript).
 */
export function checked<Payload>(handler: (payload: Payload) => Promise<unknown>): CallHandler {
  return (payload) => handler(payload as Payload)
}

/** One websocket connection, on either side. */
export interface RpcConnection {
  readonly identity: string
  /** Sends a CALL and resolves with the CALLRESULT's payload; throws CallError, CallTimeoutError, ConnectionClosedError. */
  call(action: string, payload: unknown, timeoutMs: number): Promise<unknown>
  close(code?: number, reason?: string): Promise<void>
}

export interface UpgradeRequest {
  identity: string
  /** The basic-auth password, when the header named this identity as its user. */
  password: Buffer | undefined
  /** The subprotocols the client offered. */
  protocols: ReadonlySet<string>
  request: IncomingMessage
}

/** Accept with what the connection needs to know of itself, or refuse with an HTTP status. */
export type UpgradeVerdict<Session> =
  | { accept: true; session: Session }
  | { accept: false; status: number; message: string }

export interface RpcServerOptions<Session> {
  maxPayloadBytes: number
  /**
   * Websocket pings, to find dead connections: one after this long without a frame from the charger (a charger
   * that reports is alive), and the connection is dropped when it goes unanswered as long again.
   */
  pingIntervalMs: number
  /** Decides before the websocket opens; a refusal is an HTTP status. A throw refuses with 503. */
  authenticate(upgrade: UpgradeRequest): Promise<UpgradeVerdict<Session>>
  /** A connection opened: its handlers by action, and what to do when it closes. */
  onConnection(
    connection: RpcConnection,
    session: Session,
  ): { handlers: Readonly<Record<string, CallHandler>>; onClose(): void }
  /** A frame that was no valid call (answered with a CALLERROR where OCPP-J allows one). */
  onBadMessage?(identity: string, error: Error): void
}

export interface RpcServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Closes every connection (code 1001) and waits for them to close. */
  close(): Promise<void>
}

export interface RpcClientOptions {
  /** `ws://host:port/ocpp` or `wss://…`; the identity is appended as the last path segment. */
  endpoint: string
  identity: string
  password?: string | undefined
  /** Extra TLS settings for `wss:` (a private CA for a self-signed server certificate). */
  tls?: { ca?: string | Buffer | undefined; rejectUnauthorized?: boolean | undefined } | undefined
  pingIntervalMs: number
  handlers: Readonly<Record<string, CallHandler>>
}

export interface RpcClient extends RpcConnection {
  /** Opens the websocket; rejects (ConnectFailedError) if the server refuses or cannot be reached. */
  connect(): Promise<void>
  /** Told once each time an open connection closes. */
  onClose(listener: (code: number, reason: string) => void): void
}

/** The server refused the websocket (an HTTP status) or could not be reached. */
export class ConnectFailedError extends OcppError {
  override readonly name = 'ConnectFailedError'
  /** The HTTP status of a refusal; undefined when unreachable. */
  readonly status: number | undefined

  constructor(endpoint: string, status: number | undefined, cause: unknown) {
    super(
      status === undefined
        ? `Cannot reach the OCPP server at ${endpoint}; retrying.`
        : `The OCPP server at ${endpoint} refused the connection (HTTP ${status}); check the charger id and password.`,
      { cause, retryable: true },
    )
    this.status = status
  }
}

/** A call's payload does not match the OCPP 1.6 schema of its action: nothing was sent. */
export class PayloadInvalidError extends OcppError {
  override readonly name = 'PayloadInvalidError'
  readonly action: string
  readonly problem: string

  constructor(action: string, problem: string) {
    super(`The ${action} payload does not match the OCPP 1.6 schema: ${problem}.`)
    this.action = action
    this.problem = problem
  }
}
