// Test peers for the real drivers: pty pairs, and fake devices that speak each protocol on the far end.

export { createFakeCarEcu, type FakeCarEcu, fakeCarObdMap } from './fakeCar.js'
export { createFakeGpioChip, type FakeGpioChip } from './fakeGpio.js'
export { startFakeHc05 } from './fakeHc05.js'
export {
  type FakeModbusMeter,
  type FakeModbusMeterOptions,
  type ReplyFault,
  startFakeModbusMeter,
} from './fakeModbusMeter.js'
export { type FakeSlcanAdapter, startFakeSlcanAdapter } from './fakeSlcanAdapter.js'
export { type FakeStm32, type FakeStm32Options, startFakeStm32 } from './fakeStm32.js'
export { openPtyPair, type PtyPair, socatAvailable, socatHint } from './ptyPair.js'
