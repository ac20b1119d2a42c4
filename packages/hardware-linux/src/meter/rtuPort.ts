import type { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'

/** What modbus-serial's buffered RTU port is: it assembles replies by their expected length from a SerialPort. */
interface RtuBufferedPort extends EventEmitter {
  /** Bytes received and not yet handed on as a reply. */
  _buffer: Buffer
  readonly isOpen: boolean
  open(callback: (error?: Error | null) => void): void
  close(callback: (error?: Error | null) => void): void
  write(data: Buffer): void
}

interface RtuBufferedPortConstructor {
  new (path: string, options: Record<string, unknown>): RtuBufferedPort
}

const require = createRequire(import.meta.url)
const RtuBufferedPortClass: RtuBufferedPortConstructor = require('modbus-serial/ports/rtubufferedport')

/**
 * modbus-serial's buffered RTU port, except that each request starts from an empty buffer: after a timeout, the late
 * or truncated rest of the previous reply would otherwise be glued in front of the next reply and fail its CRC too.
 */
export class FreshRtuPort extends RtuBufferedPortClass {
  override write(data: Buffer): void {
    this._buffer = Buffer.alloc(0)
    super.write(data)
  }
}
