export {
  GpioLineLostError,
  GpioToolError,
  GpioToolMissingError,
  GpioToolVersionError,
} from './gpio/errors.js'
export { type Gpio, type OpenGpioOptions, openGpio } from './gpio/gpio.js'
export { parseGpiogetValue } from './gpio/input.js'
export { type GpioLightsConfig, gpioLightsSchema, openGpioLights } from './gpio/lights.js'
export { describeLine, type GpioLine, type GpioLineInput, gpioLineSchema } from './gpio/line.js'
export {
  checkGpioTools,
  type GpioTools,
  type GpioToolsConfig,
  gpioTools,
  gpioToolsSchema,
} from './gpio/tools.js'
export { MeterProfileError } from './meter/errors.js'
export {
  type ModbusMeter,
  type ModbusMeterOptions,
  type ModbusMeterStats,
  openModbusMeter,
} from './meter/modbusMeter.js'
export {
  type BuiltInProfileName,
  builtInProfiles,
  ddsd1352,
  loadMeterProfile,
  type MeterProfile,
  type MeterProfileInput,
  meterProfile,
  meterProfileSchema,
  type RegisterBlock,
  sdm120,
  sdm630,
} from './meter/profiles.js'
export { decodeField, type RegisterField, registerFieldSchema } from './meter/registers.js'
export { SerialPortLostError, SerialPortOpenError } from './serial/errors.js'
export { closeSerialPort, openSerialPort, type SerialPortOptions } from './serial/openPort.js'
export { openSerialLinkTransport, type SerialLinkOptions, serialLink } from './serial/serialLink.js'
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
