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

/**
 * serialport's open errors carry no errno code, only libc's text: these say the port may open later (not there yet,
 * gone with its USB adapter, or locked by another program).
 */
const transient =
  /No such file|No such device|Input\/output error|busy|Cannot lock port|temporarily unavailable/i

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
      reject(
        new SerialPortOpenError(options.path, {
          cause: error,
          details: error.message,
          retryable: transient.test(error.message),
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
