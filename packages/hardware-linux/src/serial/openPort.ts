import { SerialPort } from 'serialport'
import { SerialPortOpenError } from './errors.js'

export interface SerialPortOptions {
  /** `/dev/ttyUSB0`, `/dev/ttyAMA0`, `/dev/serial0`, `/dev/rfcomm0`… */
  path: string
  baudRate: number
  /** 8N1 unless said otherwise: every device on the prototype speaks 8N1. */
  parity?: 'none' | 'even' | 'odd'
  stopBits?: 1 | 2
}

/** Codes after which the same port may open later: not there yet, or held by another program. */
const transientCodes = new Set(['ENOENT', 'ENODEV', 'ENXIO', 'EBUSY', 'EIO'])

/**
 * Opens a serial port by path, 8 data bits, no flow control. Never enumerates ports (`SerialPort.list()` needs udevadm,
 * missing on minimal images): the path comes from config. Rejects with `SerialPortOpenError`, retryable when the port
 * is absent or busy.
 */
export function openSerialPort(options: SerialPortOptions): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({
      path: options.path,
      baudRate: options.baudRate,
      dataBits: 8,
      parity: options.parity ?? 'none',
      stopBits: options.stopBits ?? 1,
      rtscts: false,
      autoOpen: false,
    })
    port.open((error) => {
      if (!error) return resolve(port)
      const code = (error as NodeJS.ErrnoException).code ?? /\b(E[A-Z]+)\b/.exec(error.message)?.[1]
      reject(
        new SerialPortOpenError(options.path, {
          cause: error,
          details: error.message,
          retryable: code !== undefined && transientCodes.has(code),
        }),
      )
    })
  })
}

/** Closes a port, ignoring a port that is already closed or gone. */
export function closeSerialPort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve()
    port.close(() => resolve())
  })
}
