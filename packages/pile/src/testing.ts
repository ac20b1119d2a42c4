import { type LinkTransport, memoryPair, throttled } from '@chargechain/link'
import type { PileLink } from './types.js'

export interface LinkBrokerOptions {
  /** Wrap both ends in a line simulator at this rate (960 = 9600 baud 8N1); in-memory speed when omitted. */
  bytesPerSecond?: number
  /** Wraps each end of each new line (a test tapping or disturbing the traffic). */
  wrap?: (transport: LinkTransport, side: 'pile' | 'car') => LinkTransport
}

export interface LinkBroker {
  /** The pile's side: resolves when a car connects. */
  pile: PileLink
  /** The car's side: resolves when the pile accepts. */
  car: { connect(signal: AbortSignal): Promise<LinkTransport> }
  /** Connections made so far. */
  readonly connections: number
}

type Waiter = { resolve(transport: LinkTransport): void }

/**
 * Pairs a pile's `accept()` with a car's `connect()` in one process, a fresh in-memory (optionally throttled) line per
 * connection, like two HC-05 modules pairing. Whoever comes second makes the line.
 */
export function createLinkBroker(options: LinkBrokerOptions = {}): LinkBroker {
  const accepting: Waiter[] = []
  const connecting: Waiter[] = []
  let connections = 0
  const line = (): [LinkTransport, LinkTransport] => {
    const [a, b] = memoryPair()
    const { bytesPerSecond, wrap } = options
    const [pile, car] = bytesPerSecond
      ? [throttled(a, { bytesPerSecond }), throttled(b, { bytesPerSecond })]
      : [a, b]
    return wrap ? [wrap(pile, 'pile'), wrap(car, 'car')] : [pile, car]
  }
  const meet = (mine: Waiter[], theirs: Waiter[], signal: AbortSignal, myEnd: 0 | 1) =>
    new Promise<LinkTransport>((resolve, reject) => {
      signal.throwIfAborted()
      const peer = theirs.shift()
      if (peer) {
        const [first, second] = line()
        connections++
        peer.resolve(myEnd === 0 ? second : first)
        return resolve(myEnd === 0 ? first : second)
      }
      const waiter: Waiter = {
        resolve: (transport) => {
          signal.removeEventListener('abort', onAbort)
          resolve(transport)
        },
      }
      const onAbort = () => {
        mine.splice(mine.indexOf(waiter), 1)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      mine.push(waiter)
    })
  return {
    pile: { accept: (signal) => meet(accepting, connecting, signal, 0) },
    car: { connect: (signal) => meet(connecting, accepting, signal, 1) },
    get connections() {
      return connections
    },
  }
}
