import type { SerialPort } from 'serialport'
import { closeSerialPort, openSerialPort } from '../serial/openPort.js'
import { type CanBus, type CanFrame, formatId } from './bus.js'
import { SlcanError } from './errors.js'
import { encodeSlcanFrame, type SlcanBitrate, SlcanDecoder, slcanCommands } from './slcan.js'

export interface SlcanBusOptions {
  /** The adapter's serial port, e.g. `/dev/ttyACM0` (CANable) or `/dev/ttyUSB0`. */
  path: string
  /** The CAN bit rate; OBD-II on CAN is 500 000 (sometimes 250 000). */
  bitrate: SlcanBitrate
  /** The serial line to the adapter; USB adapters ignore it. Default 115 200. */
  baudRate?: number
  /** How long the adapter has to answer a command. Default 1 000 ms. */
  answerTimeoutMs?: number
}

interface Pending {
  command: string
  resolve(): void
  reject(error: unknown): void
  timer: NodeJS.Timeout
}

/**
 * A CAN bus through an slcan adapter: closes the channel (it may be open from before), sets the bit rate, opens it.
 * Commands are answered in order, so each answer settles the oldest command waiting.
 */
export async function openSlcanBus(options: SlcanBusOptions): Promise<CanBus & { readonly garbled: number }> {
  const port: SerialPort = await openSerialPort({ path: options.path, baudRate: options.baudRate ?? 115_200 })
  const name = `slcan ${options.path} @ ${options.bitrate / 1000} kbit/s`
  const decoder = new SlcanDecoder()
  const listeners = new Set<(frame: CanFrame) => void>()
  const pending: Pending[] = []
  const timeoutMs = options.answerTimeoutMs ?? 1_000

  port.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.type === 'frame') for (const listener of [...listeners]) listener(event.frame)
      else if (event.type === 'ok' || event.type === 'sent' || event.type === 'version') settle()?.resolve()
      else if (event.type === 'error') {
        const command = settle()
        command?.reject(
          new SlcanError(
            `The slcan adapter on ${options.path} refused ${JSON.stringify(command.command.trim())}.`,
          ),
        )
      }
    }
  })
  const settle = () => {
    const head = pending.shift()
    if (head) clearTimeout(head.timer)
    return head
  }

  const command = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const entry: Pending = {
        command: text,
        resolve,
        reject,
        timer: setTimeout(() => {
          pending.splice(pending.indexOf(entry), 1)
          reject(
            new SlcanError(
              `The slcan adapter on ${options.path} did not answer ${JSON.stringify(text.trim())}; check it is an slcan adapter and its port.`,
              { retryable: true },
            ),
          )
        }, timeoutMs),
      }
      pending.push(entry)
      port.write(text)
    })

  try {
    // Closing a channel that is not open is refused by some adapters: that is fine.
    await command(slcanCommands.close).catch(() => {})
    await command(slcanCommands.bitrate(options.bitrate))
    await command(slcanCommands.open)
  } catch (error) {
    await closeSerialPort(port)
    throw error
  }

  return {
    name,
    get garbled() {
      return decoder.garbled
    },
    async send(frame) {
      try {
        await command(encodeSlcanFrame(frame))
      } catch (error) {
        throw new SlcanError(`Sending CAN frame ${formatId(frame)} through ${name} failed.`, {
          cause: error,
          retryable: true,
        })
      }
    },
    onFrame(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      await command(slcanCommands.close).catch(() => {})
      listeners.clear()
      await closeSerialPort(port)
    },
  }
}
