import net from 'node:net'
import { TransportClosedError, TransportConnectError } from '../errors.js'
import type { LinkTransport } from './createTransport.js'
import { stream } from './stream.js'

export type TcpOptions = {
  host?: string
  port: number
  /** Gives up the attempt: the socket is destroyed and the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

function socketTransport(socket: net.Socket, name: string): LinkTransport {
  // Frames are small and latency-bound; Nagle would hold an ack back for a round trip.
  socket.setNoDelay(true)
  return stream(socket, { name, type: 'tcp' })
}

/**
 * Connects to a pile or car listening on TCP (the lab setup). Rejects with TransportConnectError, or with the signal's
 * reason once it aborts: then no socket is left open for the listener to mistake for a peer.
 */
export function tcp(options: TcpOptions): Promise<LinkTransport> {
  const host = options.host ?? '127.0.0.1'
  const target = `${host}:${options.port}`
  const { signal } = options
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: options.port })
    const onAbort = () => {
      socket.destroy()
      reject(signal?.reason)
    }
    const onError = (error: Error) => {
      signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(new TransportConnectError(`TCP ${target}`, error))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.once('error', onError)
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort)
      socket.off('error', onError)
      resolve(socketTransport(socket, `TCP ${target}`))
    })
  })
}

export type TcpServer = {
  readonly port: number
  /**
   * The next connection still open, in arrival order. An aborted `signal` withdraws this accept, so the connection
   * after it goes to the next caller rather than to nobody; the promise rejects with the signal's reason.
   */
  accept(signal?: AbortSignal): Promise<LinkTransport>
  /** Stops listening and closes every accepted connection. */
  close(): Promise<void>
}

type Acceptor = { resolve(transport: LinkTransport): void; reject(error: unknown): void }

/** Listens for TCP connections; `port: 0` picks a free port. */
export function tcpServer(options: { host?: string; port?: number } = {}): Promise<TcpServer> {
  const host = options.host ?? '127.0.0.1'
  // Connections nobody has taken yet; one the peer hangs up before it is taken leaves the queue.
  const ready: LinkTransport[] = []
  const waiting: Acceptor[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const transport = socketTransport(socket, `TCP ${socket.remoteAddress}:${socket.remotePort}`)
    const acceptor = waiting.shift()
    if (acceptor) {
      acceptor.resolve(transport)
      return
    }
    ready.push(transport)
    transport.onClose(() => {
      const index = ready.indexOf(transport)
      if (index !== -1) ready.splice(index, 1)
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new TransportConnectError(`TCP listen ${host}:${options.port ?? 0}`, error)),
    )
    server.listen(options.port ?? 0, host, () => {
      const address = server.address() as net.AddressInfo
      resolve({
        port: address.port,
        accept(signal) {
          if (signal?.aborted) return Promise.reject(signal.reason)
          const transport = ready.shift()
          if (transport) return Promise.resolve(transport)
          if (!server.listening) return Promise.reject(new TransportClosedError('TCP server'))
          return new Promise((resolveAccept, rejectAccept) => {
            const onAbort = () => {
              waiting.splice(waiting.indexOf(acceptor), 1)
              rejectAccept(signal?.reason)
            }
            const acceptor: Acceptor = {
              resolve(accepted) {
                signal?.removeEventListener('abort', onAbort)
                resolveAccept(accepted)
              },
              reject(error) {
                signal?.removeEventListener('abort', onAbort)
                rejectAccept(error)
              },
            }
            signal?.addEventListener('abort', onAbort, { once: true })
            waiting.push(acceptor)
          })
        },
        close() {
          for (const acceptor of waiting.splice(0)) acceptor.reject(new TransportClosedError('TCP server'))
          for (const socket of sockets) socket.destroy()
          return new Promise((resolveClose) => server.close(() => resolveClose()))
        },
      })
    })
  })
}
