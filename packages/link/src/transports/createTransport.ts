import { TransportClosedError } from '../errors.js'

export type TransportStats = { readonly bytesWritten: number; readonly bytesRead: number }

/**
 * A byte stream to the peer. Every transport — memory, TCP, serial, throttled — has this shape and is made by
 * `createTransport`, which adds the shared behaviour once: listener bookkeeping, buffering until the first reader
 * attaches, byte counters, and a guard against use after close.
 */
export type LinkTransport = {
  /** Short identifier, e.g. `tcp`. */
  readonly key: string
  /** Human name for logs, e.g. `TCP 127.0.0.1:7000`. */
  readonly name: string
  readonly type: string
  /** The line rate when it is known (a UART); the session adds the wire time of a frame to its ack timeout. */
  readonly bytesPerSecond: number | undefined
  readonly closed: boolean
  readonly stats: TransportStats
  /** Queues bytes for the peer. Throws TransportClosedError once closed. */
  write(bytes: Uint8Array): void
  /** Chunks arrive in order, split anywhere. Returns an unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void
  /** Called once, when either side closes or the stream fails (then with the cause). */
  onClose(listener: (cause?: unknown) => void): () => void
  /** Idempotent; resolves when the underlying resource is released. */
  close(): Promise<void>
}

export type TransportConfig = {
  key: string
  name: string
  type: string
  bytesPerSecond?: number
}

/** How an implementation reports what happens underneath. */
export type TransportSink = {
  data(bytes: Uint8Array): void
  closed(cause?: unknown): void
}

export type TransportDriver = {
  write(bytes: Uint8Array): void
  close(): void | Promise<void>
}

export function createTransport(
  config: TransportConfig,
  setup: (sink: TransportSink) => TransportDriver,
): LinkTransport {
  const dataListeners = new Set<(bytes: Uint8Array) => void>()
  const closeListeners = new Set<(cause?: unknown) => void>()
  // Bytes that arrive before anyone listens (a TCP peer that speaks first) are kept, not lost.
  let early: Uint8Array[] = []
  let closed = false
  let closeCause: unknown
  let closing: Promise<void> | undefined
  const stats = { bytesWritten: 0, bytesRead: 0 }
  // Set once setup returns; an implementation may report a close while still setting up.
  let driver: TransportDriver | undefined

  const markClosed = (cause?: unknown) => {
    if (closed) return
    closed = true
    closeCause = cause
    for (const listener of [...closeListeners]) listener(cause)
    closeListeners.clear()
  }

  const sink: TransportSink = {
    data(bytes) {
      if (closed || bytes.length === 0) return
      stats.bytesRead += bytes.length
      if (dataListeners.size === 0) early.push(bytes)
      else for (const listener of [...dataListeners]) listener(bytes)
    },
    closed(cause) {
      markClosed(cause)
      // The far end is gone: release our side too, so no half-open socket or port keeps the process alive.
      if (driver) void release(driver).catch(() => {})
    },
  }
  function release(current: TransportDriver): Promise<void> {
    closing ??= (async () => {
      markClosed()
      dataListeners.clear()
      await current.close()
    })()
    return closing
  }
  const ready = setup(sink)
  driver = ready
  if (closed) void release(ready).catch(() => {})

  return {
    key: config.key,
    name: config.name,
    type: config.type,
    bytesPerSecond: config.bytesPerSecond,
    get closed() {
      return closed
    },
    stats,
    write(bytes) {
      if (closed) throw new TransportClosedError(config.name, { cause: closeCause })
      if (bytes.length === 0) return
      stats.bytesWritten += bytes.length
      ready.write(bytes)
    },
    onData(listener) {
      dataListeners.add(listener)
      if (early.length > 0) {
        const held = early
        early = []
        for (const bytes of held) listener(bytes)
      }
      return () => dataListeners.delete(listener)
    },
    onClose(listener) {
      if (closed) listener(closeCause)
      else closeListeners.add(listener)
      return () => closeListeners.delete(listener)
    },
    close: () => release(ready),
  }
}
