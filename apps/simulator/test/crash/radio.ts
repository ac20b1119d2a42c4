import net from 'node:net'
import type { ChargingSimulation } from '@chargechain/hardware'
import { FrameDecoder, type MessageType, messageTypeOf } from '@chargechain/link'

/**
 * The two HC-05 modules of a lane as the agents' TCP links: the car always dials the radio's port, and the radio
 * carries its bytes to the pile's current port only while the world has the modules paired (the car is there, the
 * pile powers its module). When the pairing ends — the pile's process died and its module lost power — both ends hang
 * up, as a Bluetooth serial link does.
 */
export interface Radio {
  readonly port: number
  /**
   * Called with each link message's type as it passes, once its bytes went on to the other side (bare
   * acknowledgements are not messages); a crash test kills an agent there.
   */
  onMessage: ((from: 'pile' | 'car', type: MessageType) => void) | undefined
  close(): Promise<void>
}

const PAIRING_POLL_MS = 20

export async function openRadio(
  world: ChargingSimulation,
  pilePort: () => number | undefined,
): Promise<Radio> {
  const hangUps = new Set<() => void>()
  const radio: Radio = {
    port: 0,
    onMessage: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const hangUp of [...hangUps]) hangUp()
        server.close(() => resolve())
      }),
  }
  /** Carries one direction's bytes on, then names the messages they completed. */
  const relay = (from: 'pile' | 'car', to: net.Socket) => {
    const decoder = new FrameDecoder()
    return (chunk: Buffer) => {
      to.write(chunk)
      for (const event of decoder.push(chunk)) {
        if (event.type !== 'frame' || event.frame.seq === 0) continue
        const type = messageTypeOf(event.frame.typeId)
        if (type) radio.onMessage?.(from, type)
      }
    }
  }
  const server = net.createServer((car) => {
    car.setNoDelay(true)
    let pile: net.Socket | undefined
    let done = false
    const hangUp = () => {
      if (done) return
      done = true
      clearInterval(watch)
      hangUps.delete(hangUp)
      car.destroy()
      pile?.destroy()
    }
    hangUps.add(hangUp)
    car.on('error', hangUp).on('close', hangUp)
    const watch = setInterval(() => {
      const paired = world.state().linkConnected
      if (pile) {
        if (!paired) hangUp()
        return
      }
      const port = pilePort()
      if (!paired || port === undefined) return
      const socket = net.connect({ host: '127.0.0.1', port })
      pile = socket
      socket.setNoDelay(true)
      socket.on('error', hangUp).on('close', hangUp)
      socket.once('connect', () => {
        car.on('data', relay('car', socket))
        socket.on('data', relay('pile', car))
      })
    }, PAIRING_POLL_MS)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return Object.assign(radio, { port })
}
