import { stat } from 'node:fs/promises'
import { type LinkTransport, stream } from '@chargechain/link'
import type { SerialPort } from 'serialport'
import { SerialPortLostError, SerialPortOpenError } from './errors.js'
import { closeSerialPort, openSerialPort } from './openPort.js'

export interface SerialLinkOptions {
  /** The HC-05's port: `/dev/ttyUSB0`, `/dev/ttyAMA0`, `/dev/serial0` or `/dev/rfcomm0`. */
  path: string
  /** Default 9 600 (8N1), the HC-05's data-mode default. */
  baudRate?: number
  /** How often to look again for a port that is not there (unplugged, rfcomm not bound yet). Default 500 ms. */
  retryMs?: number
  /** How often to check that the open port's device is still the one opened. Default 1 000 ms. */
  watchMs?: number
}

/**
 * The link to the other agent over a serial port, for either side: the pile `accept`s and the car `connect`s, and
 * both just open the port. A port that is missing or busy is tried again every `retryMs` until `signal` aborts; one
 * that fails otherwise (no permission, not a tty) rejects with `SerialPortOpenError`. When the port disappears under
 * an open transport (USB pulled, rfcomm dropped) the transport closes, the agent's session sees a dropped link, and
 * its next `accept`/`connect` reopens the port once it is back: the visit carries on.
 */
export function serialLink(options: SerialLinkOptions) {
  const open = (signal: AbortSignal) => openSerialLinkTransport(options, signal)
  return { accept: open, connect: open }
}

export async function openSerialLinkTransport(
  options: SerialLinkOptions,
  signal: AbortSignal,
): Promise<LinkTransport> {
  const baudRate = options.baudRate ?? 9_600
  for (;;) {
    signal.throwIfAborted()
    try {
      const port = await openSerialPort({ path: options.path, baudRate })
      if (signal.aborted) {
        await closeSerialPort(port)
        signal.throwIfAborted()
      }
      // 10 bit times a byte on an 8N1 line: the session sizes its acknowledgement timeouts by it.
      if (await watchDevice(port, options))
        return stream(port, { name: `serial ${options.path}`, type: 'serial', bytesPerSecond: baudRate / 10 })
      // Gone again between opening and looking: as if it had not been there.
      await closeSerialPort(port)
    } catch (error) {
      if (!(error instanceof SerialPortOpenError && error.retryable)) throw error
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, options.retryMs ?? 500)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/**
 * A port whose device vanished often reads nothing and reports nothing until the next write fails. So the path is
 * checked every `watchMs`: gone, or a different device now (re-plugged between two checks), and the port is destroyed,
 * which closes the transport at once.
 */
async function watchDevice(port: SerialPort, options: SerialLinkOptions): Promise<boolean> {
  const device = async () => {
    const info = await stat(options.path)
    return `${info.dev}:${info.ino}:${info.rdev}`
  }
  const lose = () => {
    if (!port.destroyed) port.destroy(new SerialPortLostError(options.path))
  }
  const opened = await device().catch(() => undefined)
  if (opened === undefined) return false
  const timer = setInterval(() => {
    void device().then(
      (now) => now !== opened && lose(),
      () => lose(),
    )
  }, options.watchMs ?? 1_000)
  port.once('close', () => clearInterval(timer))
  return true
}
