// The one file that knows the ocpp-rpc library: its server and client behind the interface in rpc.ts, in strict
// mode (every CALL and CALLRESULT checked against the OCPP 1.6 JSON schemas), protocol `ocpp1.6`.
import { createRequire } from 'node:module'
import ocppRpc from 'ocpp-rpc'
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client.js'
import type * as ServerClientModule from 'ocpp-rpc/lib/server-client.js'
import {
  CallError,
  type CallHandler,
  CallTimeoutError,
  ConnectFailedError,
  ConnectionClosedError,
  PayloadInvalidError,
  type RpcClient,
  type RpcClientOptions,
  type RpcConnection,
  type RpcServer,
  type RpcServerOptions,
} from './rpc.js'

type RpcServerClient = ServerClientModule.default

// ocpp-rpc is CommonJS: Node's ESM loader gives its exports only as the default (named imports work under vitest
// alone, and crash `npm start`).
const {
  createRPCError,
  createValidator,
  RPCClient,
  RPCError,
  RPCServer,
  TimeoutError,
  UnexpectedHttpResponse,
} = ocppRpc
type RPCClient = InstanceType<typeof RPCClient>
type RPCServer = InstanceType<typeof RPCServer>
type UnexpectedHttpResponse = InstanceType<typeof UnexpectedHttpResponse>

export const protocol = 'ocpp1.6'

/** A connection that sends this many invalid frames in a row is closed (1002); one good frame resets the count. */
const maxBadMessages = 50

/**
 * ocpp-rpc answers frame-level faults with OCPP 2.0.1's codes, which a 1.6 charger does not know: a frame that is no
 * JSON array or lacks a message id (RpcFrameworkError) is a FormationViolation in 1.6; an unknown message type
 * (MessageTypeNotSupported) a ProtocolError.
 */
const codesFor16: Record<string, string> = {
  RpcFrameworkError: 'FormationViolation',
  MessageTypeNotSupported: 'ProtocolError',
}

function answerIn16(client: RPCClient): void {
  const send = client.sendRaw.bind(client)
  client.sendRaw = (message: string) => {
    if (message.startsWith('[4,')) {
      const frame: unknown = JSON.parse(message)
      if (Array.isArray(frame) && typeof frame[2] === 'string' && frame[2] in codesFor16) {
        frame[2] = codesFor16[frame[2]]
        message = JSON.stringify(frame)
      }
    }
    send(message)
  }
}

/** Runs a handler; our CallError becomes ocpp-rpc's, anything else an InternalError that tells nothing inside. */
async function answer(handler: CallHandler, params: unknown): Promise<unknown> {
  try {
    return await handler(params)
  } catch (error) {
    if (error instanceof CallError) throw createRPCError(error.code, error.message, {})
    throw createRPCError('InternalError', 'The server could not process this call; send it again later.', {})
  }
}

function registerHandlers(client: RPCClient, handlers: Readonly<Record<string, CallHandler>>): void {
  // Calls of one connection are handled one after another, in the order they came (a charger may not wait).
  let queue: Promise<unknown> = Promise.resolve()
  for (const [action, handler] of Object.entries(handlers)) {
    client.handle(action, ({ params }) => {
      const result = queue.then(() => answer(handler, params))
      queue = result.catch(() => {})
      return result as Promise<Record<string, unknown>>
    })
  }
}

// The library checks an outgoing call too, but its refusal looks like the other side's CALLERROR; checked here
// first, a bad payload is the caller's error.
const validator = createValidator(
  protocol,
  createRequire(import.meta.url)('ocpp-rpc/lib/schemas/ocpp1_6.json'),
)

function checkPayload(action: string, payload: unknown): void {
  try {
    validator.validate(`urn:${action}.req`, payload)
  } catch (error) {
    throw new PayloadInvalidError(action, error instanceof Error ? error.message : String(error))
  }
}

async function call(
  client: RPCClient,
  action: string,
  payload: unknown,
  timeoutMs: number,
): Promise<unknown> {
  checkPayload(action, payload)
  if (client.state !== RPCClient.OPEN) throw new ConnectionClosedError(`${client.identity} is not connected.`)
  try {
    return await client.call(action, payload, { callTimeoutMs: timeoutMs })
  } catch (error) {
    if (error instanceof TimeoutError)
      throw new CallTimeoutError(`${action} got no answer in ${timeoutMs} ms.`, { cause: error })
    if (error instanceof RPCError) throw new CallError(error.rpcErrorCode, error.message)
    throw new ConnectionClosedError(`${client.identity} disconnected during ${action}.`, { cause: error })
  }
}

function connectionOf(client: RPCClient, identity: string): RpcConnection {
  return {
    identity,
    call: (action, payload, timeoutMs) => call(client, action, payload, timeoutMs),
    async close(code = 1000, reason = '') {
      await client.close({ code, reason })
    },
  }
}

export function createRpcServer<Session>(options: RpcServerOptions<Session>): RpcServer {
  const server = new RPCServer({
    protocols: [protocol],
    strictMode: true,
    callTimeoutMs: 30_000,
    pingIntervalMs: options.pingIntervalMs,
    // Every frame in puts the next ping off: 10,000 chargers that report every few seconds need no pings, and a
    // ping each 30 s would cost the server a write and a timer turn per charger.
    deferPingsOnActivity: true,
    maxBadMessages,
    wssOptions: { maxPayload: options.maxPayloadBytes },
  })
  const open = new Set<RpcServerClient>()

  server.auth(async (accept, reject, handshake) => {
    if (!handshake.protocols.has(protocol)) {
      reject(400, `Offer the websocket subprotocol ${protocol}.`)
      return
    }
    try {
      const verdict = await options.authenticate({
        identity: handshake.identity,
        password: handshake.password,
        protocols: handshake.protocols,
        request: handshake.request,
      })
      if (verdict.accept) accept({ value: verdict.session }, protocol)
      else reject(verdict.status, verdict.message)
    } catch {
      reject(503, 'The server cannot check credentials now; retry later.')
    }
  })

  server.on('client', (client: RpcServerClient) => {
    const identity = client.identity ?? ''
    open.add(client)
    answerIn16(client)
    const session: Session = client.session.value
    const { handlers, onClose } = options.onConnection(connectionOf(client, identity), session)
    registerHandlers(client, handlers)
    client.on('badMessage', ({ error }: { error: Error }) => options.onBadMessage?.(identity, error))
    client.once('close', () => {
      open.delete(client)
      onClose()
    })
  })

  return {
    handleUpgrade(request, socket, head) {
      // ocpp-rpc types the socket as a net.Socket; node's 'upgrade' event hands a Duplex (a TLSSocket on https).
      void server.handleUpgrade(request, socket as Parameters<RPCServer['handleUpgrade']>[1], head)
    },
    async close() {
      const closed = [...open].map((client) => new Promise((resolve) => client.once('close', resolve)))
      await server.close({ code: 1001, reason: 'Server shutting down' })
      const timer = setTimeout(() => {
        for (const client of open) void client.close({ force: true })
      }, 5_000)
      await Promise.all(closed)
      clearTimeout(timer)
    },
  }
}

export function createRpcClient(options: RpcClientOptions): RpcClient {
  const clientOptions: Partial<RPC_ClientOptions> = {
    endpoint: options.endpoint,
    identity: options.identity,
    password: options.password ?? null,
    protocols: [protocol],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 30_000,
    pingIntervalMs: options.pingIntervalMs,
    maxBadMessages,
    wsOpts: options.tls ?? {},
  }
  const client = new RPCClient(clientOptions as RPC_ClientOptions)
  registerHandlers(client, options.handlers)
  const closeListeners: ((code: number, reason: string) => void)[] = []
  client.on('close', ({ code, reason }: { code: number; reason: string | Buffer }) => {
    for (const listener of closeListeners) listener(code, String(reason ?? ''))
  })
  return {
    ...connectionOf(client, options.identity),
    async connect() {
      try {
        await client.connect()
      } catch (error) {
        const status = error instanceof UnexpectedHttpResponse ? statusOf(error) : undefined
        throw new ConnectFailedError(options.endpoint, status, error)
      }
    },
    onClose(listener) {
      closeListeners.push(listener)
    },
  }
}

function statusOf(error: UnexpectedHttpResponse): number | undefined {
  const code: unknown = 'code' in error ? error.code : undefined
  return typeof code === 'number' ? code : undefined
}
