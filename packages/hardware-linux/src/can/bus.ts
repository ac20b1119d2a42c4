/** One classic CAN frame. */
export interface CanFrame {
  /** 11-bit id, or 29-bit when `extended`. */
  readonly id: number
  readonly extended: boolean
  /** 0–8 bytes. */
  readonly data: Uint8Array
  readonly remote?: boolean
}

/** A CAN bus as the OBD reader needs it, whatever carries it: an slcan adapter on a serial port, or SocketCAN. */
export interface CanBus {
  /** `slcan /dev/ttyACM0 @ 500 kbit/s`, `socketcan can0`. */
  readonly name: string
  send(frame: CanFrame): Promise<void>
  /** Every frame received; returns the function that unsubscribes. */
  onFrame(listener: (frame: CanFrame) => void): () => void
  close(): Promise<void>
}

export const formatId = (frame: Pick<CanFrame, 'id' | 'extended'>) =>
  `0x${frame.id
    .toString(16)
    .toUpperCase()
    .padStart(frame.extended ? 8 : 3, '0')}`
