import { type LinkTransport, memoryPair, type TcpServer, tcp, tcpServer, throttled } from '@chargechain/link'
import { SimulatorOptionError } from './errors.js'

export const linkKinds = ['memory', 'throttled', 'tcp'] as const
export type LinkKind = (typeof linkKinds)[number]

/** 9600 baud 8N1, the HC-05's default rate. */
export const HC05_BYTES_PER_SECOND = 960

/** One pile's Bluetooth link as the two agents see it: the pile accepts, the car connects. */
export interface PileLink {
  /** The pile's side: resolves with the next car's connection. */
  accept(signal: AbortSignal): Promise<LinkTransport>
  /** The car's side: connects to the pile (the world's HC-05s have paired). */
  connect(signal: AbortSignal): Promise<LinkTransport>
  close(): Promise<void>
}

export function parseLinkKind(value: string): LinkKind {
  if (!(linkKinds as readonly string[]).includes(value)) {
    throw new SimulatorOptionError('--link', linkKinds.join(' | '), value)
  }
  return value as LinkKind
}

/**
 * A link for one pile: in memory, in memory paced like the HC-05's 9600-baud serial line, or over loopback TCP (the
 * lab set-up, with the pile listening).
 */
export async function createPileLink(kind: LinkKind): Promise<PileLink> {
  if (kind === 'tcp') {
    const server: TcpServer = await tcpServer()
    return {
      // Both cancel for real: an aborted accept leaves no waiter to swallow the next car, an aborted connect no socket.
      accept: (signal) => server.accept(signal),
      connect: (signal) => tcp({ port: server.port, signal }),
      close: () => server.close(),
    }
  }
  const waiting: Array<(transport: LinkTransport) => void> = []
  const ready: LinkTransport[] = []
  const open = new Set<LinkTransport>()
  return {
    accept(signal) {
      signal.throwIfAborted()
      // A car that hung up before the pile took its line is gone.
      let transport = ready.shift()
      while (transport?.closed) transport = ready.shift()
      if (transport) return Promise.resolve(transport)
      return new Promise<LinkTransport>((resolve, reject) => {
        const onAbort = () => {
          waiting.splice(waiting.indexOf(deliver), 1)
          reject(signal.reason)
        }
        const deliver = (transport: LinkTransport) => {
          signal.removeEventListener('abort', onAbort)
          resolve(transport)
        }
        waiting.push(deliver)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    },
    async connect(signal) {
      signal.throwIfAborted()
      const [pileEnd, carEnd] = memoryPair()
      const [pile, car] =
        kind === 'throttled'
          ? [
              throttled(pileEnd, { bytesPerSecond: HC05_BYTES_PER_SECOND }),
              throttled(carEnd, { bytesPerSecond: HC05_BYTES_PER_SECOND }),
            ]
          : [pileEnd, carEnd]
      open.add(pile)
      open.add(car)
      const accept = waiting.shift()
      if (accept) accept(pile)
      else ready.push(pile)
      return car
    },
    async close() {
      await Promise.all([...open].map((transport) => transport.close()))
    },
  }
}
