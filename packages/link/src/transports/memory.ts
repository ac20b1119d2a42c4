import { defined } from '@chargechain/errors'
import { createTransport, type LinkTransport, type TransportSink } from './createTransport.js'

/**
 * Two connected in-memory transports. Bytes are delivered on a later turn of the event loop, as from a socket, so a
 * listener that answers at once never re-enters its peer.
 */
export function memoryPair(): [LinkTransport, LinkTransport] {
  const sinks: TransportSink[] = []
  const make = (index: 0 | 1) =>
    createTransport({ key: 'memory', name: `memory ${index === 0 ? 'A' : 'B'}`, type: 'memory' }, (sink) => {
      sinks[index] = sink
      // Both ends are made before either is returned, so the peer's sink is always there by the first write.
      const peer = () => defined(sinks[1 - index], "the memory pair's other end")
      return {
        write(bytes) {
          const copy = bytes.slice()
          setImmediate(() => peer().data(copy))
        },
        close() {
          // Closing one end is hanging up the line: the peer sees it too, after any bytes still in flight.
          setImmediate(() => peer().closed())
        },
      }
    })
  return [make(0), make(1)]
}
