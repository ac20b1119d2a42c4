// A transport that passes an agent's traffic through and can slip extra frames onto the line in between, as a peer's
// session would send them: only while the agent has nothing unacknowledged, and with a sequence number out of its way.
import { createTransport, encodeFrame, FrameDecoder, type LinkTransport } from '@chargechain/link'

export interface LinkTap {
  transport: LinkTransport
  /** Sends one frame of this type and payload to the peer, once the agent's last frame has been acknowledged. */
  inject(typeId: number, payload: Uint8Array): Promise<void>
}

export function tapLink(inner: LinkTransport): LinkTap {
  const decoder = new FrameDecoder()
  let lastSent = 0
  let acknowledged = true
  const transport = createTransport(
    {
      key: 'tap',
      name: `tap ${inner.name}`,
      type: inner.type,
      ...(inner.bytesPerSecond === undefined ? {} : { bytesPerSecond: inner.bytesPerSecond }),
    },
    (sink) => {
      inner.onData((bytes) => {
        for (const event of decoder.push(bytes))
          if (event.type === 'frame' && event.frame.ack === lastSent) acknowledged = true
        sink.data(bytes)
      })
      inner.onClose((cause) => sink.closed(cause))
      return {
        write(bytes) {
          // The session writes one whole frame per call: type at 3, seq at 4 (0 for a bare Ack).
          if (bytes[3] !== 0 && bytes[4] !== 0) {
            lastSent = bytes[4] ?? 0
            acknowledged = false
          }
          inner.write(bytes)
        },
        close: () => inner.close(),
      }
    },
  )
  return {
    transport,
    async inject(typeId, payload) {
      while (!acknowledged && !inner.closed) await new Promise((resolve) => setTimeout(resolve, 2))
      if (inner.closed) return
      // Half the sequence space away from the agent's own numbers: never taken for a duplicate of either.
      const seq = ((lastSent + 127) % 255) + 1
      inner.write(encodeFrame({ typeId, seq, ack: 0, payload }))
    },
  }
}
