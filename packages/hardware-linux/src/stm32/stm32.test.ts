// The STM32 driver over a real pseudo-terminal pair (socat), against a fake lower computer printing the firmware's
// lines. Breaks that fail it: removing the plausibility check in `acceptEnergy` (the jump test believes the damaged
// value), or the watchdog's `silent < silenceMs` turned to `>` (no fault for a silent STM32).
import { createRealClock, MeterReadError } from '@chargechain/hardware'
import { describeDigitalInputContract, describeEnergyMeterContract } from '@chargechain/hardware/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeStm32 } from '../testing/fakeStm32.js'
import { openPtyPair, socatAvailable, socatHint } from '../testing/ptyPair.js'
import type { Stm32SilentError } from './errors.js'
import { type OpenedStm32, type OpenStm32Options, openStm32 } from './stm32.js'

const clock = createRealClock()

async function rig(options: Partial<OpenStm32Options> = {}, fakeOptions = {}) {
  const pty = await openPtyPair()
  const fake = await startFakeStm32({ path: pty.peerPath, ...fakeOptions })
  const driver = await openStm32({
    path: pty.devicePath,
    clock,
    readTimeoutMs: 2_000, // a loaded CI machine can hold a line back for a few hundred ms
    maxPowerW: 1_000_000, // the fake adds 10 Wh every 50 ms
    ...options,
  })
  return {
    pty,
    fake,
    driver,
    async close() {
      await driver.close()
      await fake.close()
      await pty.close()
    },
  }
}

const waitFor = async (condition: () => boolean, timeoutMs = 3_000) => {
  const until = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

it('needs socat for the serial tests', () => {
  expect(socatAvailable, socatHint).toBe(true)
})

describeEnergyMeterContract('STM32 lines over a pty', async () => {
  const { fake, driver, close } = await rig()
  fake.setFlowing(true)
  return {
    meter: driver.meter,
    flow: () => new Promise((resolve) => setTimeout(resolve, 150)),
    async failNext(count) {
      // Damaged energy lines until the driver has failed `count` reads, then clean ones again.
      const failedBefore = failures(driver)
      fake.garble()
      void waitFor(() => failures(driver) >= failedBefore + count, 10_000).then(() => fake.clean())
    },
    close,
  }
})

const failures = (driver: OpenedStm32) => driver.stats().failedReads

describeDigitalInputContract('STM32 gun line over a pty', async () => {
  const { fake, driver, close } = await rig({ gunDebounceMs: 200 })
  await waitFor(() => driver.stats().plugged === false)
  return {
    input: driver.gun,
    async drive(level) {
      fake.setPlugged(level)
      fake.printGunNow()
      await waitFor(() => driver.stats().plugged === level)
    },
    pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: clock.now,
    close,
  }
})

describe('STM32 driver', () => {
  let current: Awaited<ReturnType<typeof rig>> | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it('reads energy as a 0.01 kWh register in Wh, with the voltage line and a power from the register steps', async () => {
    current = await rig({}, { startKWh: 1234.56 })
    const { driver, fake } = current
    const idle = await driver.meter.read()
    expect(idle.energyWh).toBe(1_234_560)
    expect(idle.voltageV).toBe(230.4)
    expect(idle.powerW).toBe(0)
    fake.setFlowing(true)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const flowing = await driver.meter.read()
    // A register value the fake printed (lines still on the wire may have moved the fake on since).
    expect(fake.printedKWh.map((kWh) => Math.round(kWh * 1000))).toContain(flowing.energyWh)
    expect(flowing.energyWh).toBeGreaterThan(idle.energyWh)
    expect(flowing.powerW).toBeGreaterThan(0)
    expect(flowing.currentA * flowing.voltageV).toBeCloseTo(flowing.powerW, 6)
  })

  it('skips an energy line that jumps beyond what the pile could draw, and counts it', async () => {
    current = await rig({ maxPowerW: 50_000 }, { periodMs: 100_000 })
    const { driver, fake } = current
    const read = driver.meter.read()
    await fake.writeRaw('voltage is 230.000000\r\nenergy is 100.000000\r\n')
    expect((await read).energyWh).toBe(100_000)
    // 100 → 1100 kWh a moment later: a digit gained on the wire, not a real reading.
    const next = driver.meter.read()
    await fake.writeRaw('energy is 1100.000000\r\n')
    const error = await next.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MeterReadError)
    expect((error as MeterReadError).reason).toBe('malformed')
    expect(driver.stats().implausible).toBe(1)
    expect(driver.stats().energyKWh).toBe(100)
  })

  it('reports a silent STM32 as a fault once, and its reads time out', async () => {
    const faults: Stm32SilentError[] = []
    current = await rig({ silenceMs: 400, onFault: (error) => faults.push(error) })
    const { driver, fake } = current
    await driver.meter.read()
    fake.silence()
    // Lines printed before the silence may still be on the wire under load: let them land first.
    for (let seen = -1; driver.stats().lines !== seen; ) {
      seen = driver.stats().lines
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    const error = await driver.meter.read().catch((caught: unknown) => caught)
    expect((error as MeterReadError).reason).toBe('timeout')
    await waitFor(() => faults.length > 0)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(faults).toHaveLength(1)
    expect(faults[0]?.message).toMatch(/sent no line/)
  })

  it('parses a stream with noise and torn lines over the pty, counting what it skipped', async () => {
    current = await rig({}, { periodMs: 100_000 })
    const { driver, fake } = current
    await fake.writeRaw('d in\r\n\x00\x13\xffenergy is 5.000000\r\nvoltage is 2')
    await fake.writeRaw('energy is 5.010000\r\nvoltage is 229.000000\r\nhas plug')
    await fake.writeRaw('ged in\r\nenergy is 5.020000\r\n')
    await waitFor(() => driver.stats().energyKWh !== undefined)
    expect(driver.stats()).toEqual({
      lines: 3,
      garbled: 3,
      implausible: 0,
      failedReads: 0,
      energyKWh: 5.02,
      voltageV: 229,
      plugged: true,
    })
  })
})
