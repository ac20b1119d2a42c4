export { SerialPortLostError, SerialPortOpenError } from './serial/errors.js'
export { closeSerialPort, openSerialPort, type SerialPortOptions } from './serial/openPort.js'
export { Stm32SilentError } from './stm32/errors.js'
export { type Stm32Event, Stm32LineParser } from './stm32/lineParser.js'
export {
  type ByteSource,
  createStm32Driver,
  type OpenedStm32,
  type OpenStm32Options,
  openStm32,
  type Stm32Driver,
  type Stm32Options,
  type Stm32Stats,
} from './stm32/stm32.js'
