import type { SerialPort } from 'serialport'
import type { CanFrame } from '../can/bus.js'
import { encodeSlcanFrame, SlcanDecoder } from '../can/slcan.js'
import { closeSerialPort, openSerialPort } from '../serial/openPort.js'
import { createFakeCarEcu, type FakeCarEcu } from './fakeCar.js'

/**
 * A CANable-style slcan adapter on the far end of a pty, with the car's battery ECU on its bus. It answers commands
 * as a Lawicel adapter does (CR, `z` after a sent frame, BEL for a command it refuses, such as sending while closed),
 * and records the commands it got.
 */
export interface FakeSlcanAdapter {
  readonly ecu: FakeCarEcu
  readonly commands: readonly string[]
  /** The bit-rate command last set (`S6` = 500 kbit/s) and whether the channel is open. */
  readonly bitrate: string | undefined
  readonly open: boolean
  close(): Promise<void>
}

export async function startFakeSlcanAdapter(path: string): Promise<FakeSlcanAdapter> {
  const port: SerialPort = await openSerialPort({ path, baudRate: 115_200 })
  const commands: string[] = []
  let open = false
  let bitrate: string | undefined
  let pending = ''
  const write = (text: string) => port.write(text)
  const ecu = createFakeCarEcu((frame: CanFrame) => {
    // The adapter passes what the bus carries on to the Pi.
    if (open) write(encodeSlcanFrame(frame))
  })
  const decoder = new SlcanDecoder()

  port.on('data', (chunk: Buffer) => {
    const text = pending + chunk.toString('latin1')
    const parts = text.split('\r')
    pending = parts.pop() ?? ''
    for (const command of parts) {
      commands.push(command)
      const kind = command[0]
      if (kind === 'S' && !open && /^S[0-8]$/.test(command)) {
        bitrate = command
        write('\r')
      } else if (kind === 'O' && !open && bitrate) {
        open = true
        write('\r')
      } else if (kind === 'C' && open) {
        open = false
        write('\r')
      } else if (kind === 'V') write('V1013\r')
      else if ((kind === 't' || kind === 'T') && open) {
        const [event] = decoder.push(`${command}\r`)
        if (event?.type !== 'frame') write('\x07')
        else {
          write('z\r')
          ecu.receive(event.frame)
        }
      } else write('\x07')
    }
  })

  return {
    ecu,
    commands,
    get bitrate() {
      return bitrate
    },
    get open() {
      return open
    },
    close: () => closeSerialPort(port),
  }
}
