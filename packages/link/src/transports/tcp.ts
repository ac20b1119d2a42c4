import net from 'node:net'
import { TransportClosedError, TransportConnectError } from '../errors.js'
import type { LinkTransport } from './createTransport.js'
import { stream } from './stream.js'

export type TcpOptions = { host?: string; port: number }

function socketTransport(socket: net.Socket, name: string): LinkTransport {
  // Frames are small and latency-bound; Nagle would hold an ack back for a round trip.
  socket.setNoDelay(true)
  return stream(socket, { name, type: 'tcp' })
}

/** Connects to a pile or car listening on TCP (the lab setup). Rejects with TransportConnectError. */
export function tcp(options: TcpOptions): Promise<LinkTransport> {
  const host = options.host ?? '127.0.0.1'
  const target = `${host}:${options.port}`
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: options.port })
    const onError = (error: Error) => {
      socket.destroy()
      reject(new TransportConnectError(`TCP ${target}`, error))
    }
    socket.once('error', onError)
    socket.once('connect', () => {
      socket.off('error', onError)
      resolve(socketTransport(socket, `TCP ${target}`))
    })
  })
}

export type TcpServer = {
  readonly port: number
  /** The next connection, in arrival order. */
  accept(): Promise<LinkTransport>
  /** Stops listening and closes every accepted connection. */
  close(): Promise<void>
}

/** Listens for TCP connections; `port: 0` picks a free port. */
export function tcpServer(options: { host?: string; port?: number } = {}): Promise<TcpServer> {
  const host = options.host ?? '127.0.0.1'
  const ready: LinkTransport[] = []
  const waiting: { resolve(transport: LinkTransport): void; reject(error: Error): void }[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const transport = socketTransport(socket, `TCP ${socket.remoteAddress}:${socket.remotePort}`)
    const waiter = waiting.shift()
    if (waiter) waiter.resolve(transport)
    else ready.push(transport)
  })
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new TransportConnectError(`TCP listen ${host}:${options.port ?? 0}`, error)),
    )
    server.listen(options.port ?? 0, host, () => {
      const address = server.address() as net.AddressInfo
      resolve({
        port: address.port,
        accept() {
          const transport = ready.shift()
          if (transport) return Promise.resolve(transport)
          if (!server.listening) return Promise.reject(new TransportClosedError('TCP server'))
          return new Promise((resolveAccept, rejectAccept) =>
            waiting.push({ resolve: resolveAccept, reject: rejectAccept }),
          )
        },
        close() {
          for (const waiter of waiting.splice(0)) waiter.reject(new TransportClosedError('TCP server'))
          for (const socket of sockets) socket.destroy()
          return new Promise((resolveClose) => server.close(() => resolveClose()))
        },
      })
    })
  })
}
