import type { LinkTransport } from './createTransport.js'

export type ByteCount = {
  /** Bytes written since the count started (or was reset). */
  readonly sent: number
  readonly received: number
  readonly total: number
  reset(): void
}

/** Counts the bytes a transport carries from now on, both directions; the link benchmark measures exchanges with it. */
export function countBytes(transport: LinkTransport): ByteCount {
  let sentAtStart = transport.stats.bytesWritten
  let receivedAtStart = transport.stats.bytesRead
  return {
    get sent() {
      return transport.stats.bytesWritten - sentAtStart
    },
    get received() {
      return transport.stats.bytesRead - receivedAtStart
    },
    get total() {
      return this.sent + this.received
    },
    reset() {
      sentAtStart = transport.stats.bytesWritten
      receivedAtStart = transport.stats.bytesRead
    },
  }
}
