export { type CanBus, type CanFrame, formatId } from './can/bus.js'
export { IsoTpError, ObdNegativeResponseError, SlcanError, SocketCanUnavailableError } from './can/errors.js'
export { type IsoTpRequest, isoTpRequest } from './can/isotp.js'
export {
  createObdVehicleMeter,
  type ObdMap,
  type ObdMapInput,
  type ObdMeterOptions,
  type ObdMeterStats,
  type ObdQuantity,
  type ObdVehicleMeter,
  obdMapSchema,
  obdQuantitySchema,
  obdRequest,
  readObdQuantity,
} from './can/obd.js'
export {
  encodeSlcanFrame,
  type SlcanBitrate,
  SlcanDecoder,
  type SlcanEvent,
  slcanBitrates,
  slcanCommands,
} from './can/slcan.js'
export { openSlcanBus, type SlcanBusOptions } from './can/slcanBus.js'
export { openSocketCanBus } from './can/socketcan.js'
export {
  type CarLinuxHardwareConfig,
  type CarLinuxHardwareInput,
  carCanSchema,
  carLinuxHardwareSchema,
} from './car/carConfig.js'
export { type OpenedCarLinuxHardware, openCarBus, openCarLinuxHardware } from './car/carHardware.js'
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
export {
  type PileLinuxHardwareConfig,
  type PileLinuxHardwareInput,
  pileGpioSchema,
  pileLinuxHardwareSchema,
  pileMeterSchema,
} from './pile/pileConfig.js'
export {
  type OpenedPileLinuxHardware,
  openPileLinuxHardware,
  type PileLinuxDevices,
} from './pile/pileHardware.js'
export { type ProbeCanResult, probeCan } from './probe/probeCan.js'
export { type ProbeGpioResult, probeGpio } from './probe/probeGpio.js'
export { type ProbeHc05Result, probeHc05 } from './probe/probeHc05.js'
export { type ProbeMeterOptions, type ProbeMeterResult, probeMeter } from './probe/probeMeter.js'
export { type ProbeStm32Result, probeStm32 } from './probe/probeStm32.js'
export { runProbe } from './probe/runProbe.js'
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
