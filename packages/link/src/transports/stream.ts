import { createTransport, type LinkTransport } from './createTransport.js'

/** What we need from the receiving side of a Node stream (a Duplex, `serialport`'s SerialPort, a tty.ReadStream). */
export type ReadableLike = {
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown
  on(event: 'end' | 'close', listener: () => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  destroy?(): unknown
}

/** What we need from the sending side. */
export type WritableLike = {
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean
  destroy?(): unknown
}

/** A serial port or socket: one object that reads and writes. Structural, so this package never imports serialport. */
export type DuplexLike = ReadableLike & WritableLike

export type StreamTransportOptions = {
  name?: string
  /** Key and type reported by the transport; `stream` unless a wrapper (tcp) says otherwise. */
  type?: string
  /** Line rate of the port (e.g. 960 for 9600 baud 8N1), used to size acknowledgement timeouts. */
  bytesPerSecond?: number
}

/**
 * A transport over any Node stream: a Duplex (socket, SerialPort) or a separate readable/writable pair (the two ends
 * of a pseudo-terminal opened through fs).
 */
export function stream(
  source: DuplexLike | { readable: ReadableLike; writable: WritableLike },
  options: StreamTransportOptions = {},
): LinkTransport {
  // A Duplex also has `readable`/`writable`, but as booleans.
  const { readable, writable } = isPair(source) ? source : { readable: source, writable: source }
  return createTransport(
    {
      key: options.type ?? 'stream',
      name: options.name ?? 'stream',
      type: options.type ?? 'stream',
      ...(options.bytesPerSecond === undefined ? {} : { bytesPerSecond: options.bytesPerSecond }),
    },
    (sink) => {
      readable.on('data', (chunk) =>
        sink.data(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk),
      )
      readable.on('end', () => sink.closed())
      readable.on('close', () => sink.closed())
      readable.on('error', (error) => sink.closed(error))
      return {
        write(bytes) {
          writable.write(bytes, (error) => {
            if (error) sink.closed(error)
          })
        },
        close() {
          readable.destroy?.()
          if ((writable as unknown) !== readable) writable.destroy?.()
        },
      }
    },
  )
}

function isPair(
  source: DuplexLike | { readable: ReadableLike; writable: WritableLike },
): source is { readable: ReadableLike; writable: WritableLike } {
  return typeof (source as { readable?: unknown }).readable === 'object'
}
