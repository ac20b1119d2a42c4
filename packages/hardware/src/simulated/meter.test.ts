import { describe, expect, it } from 'vitest'
import { InvalidHardwareOptionError, MeterReadError } from '../errors.js'
import { describeEnergyMeterContract, describeVehicleEnergyMeterContract } from '../testing/meterContract.js'
import { createChargingSimulation } from './charging.js'
import { createSimulatedClock } from './clock.js'
import { createSimulatedEnergyMeter } from './meter.js'

/** A car at the pile, gun in, relay on: the meters under test see current flowing. */
const chargingWorld = async () => {
  const world = createChargingSimulation({ pileMeterStartWh: 1_234_560 })
  world.arrive()
  world.plug()
  await world.pile.relay.set(true)
  return { world, flow: () => world.clock.advance(60_000), close: () => world.close() }
}

describeEnergyMeterContract('simulated pile meter', async () => {
  const { world, flow, close } = await chargingWorld()
  return {
    meter: world.pile.meter,
    flow,
    failNext: (count) => world.pile.meter.failNext(count, 'crc'),
    close,
  }
})

describeVehicleEnergyMeterContract('simulated vehicle meter', async () => {
  const { world, flow, close } = await chargingWorld()
  return { meter: world.car.meter, flow, failNext: (count) => world.car.meter.failNext(count), close }
})

describe('createSimulatedEnergyMeter', () => {
  const constantLoad = () => {
    const clock = createSimulatedClock({ start: 0 })
    // 3.6 kW: exactly 1 Wh per second.
    const measure = () => ({ energyWh: clock.now() / 1_000, voltageV: 240, currentA: 15, powerW: 3_600 })
    return { clock, measure }
  }

  it('counts in whole register steps from its start value', async () => {
    const { clock, measure } = constantLoad()
    const meter = createSimulatedEnergyMeter({ clock, measure, startWh: 500, resolutionWh: 10 })
    await clock.advance(19_000)
    expect((await meter.read()).energyWh).toBe(510)
    await clock.advance(1_000)
    expect((await meter.read()).energyWh).toBe(520)
  })

  it('drifts from the moment it is told to, and only forward', async () => {
    const { clock, measure } = constantLoad()
    const meter = createSimulatedEnergyMeter({ clock, measure })
    await clock.advance(100_000)
    expect((await meter.read()).energyWh).toBe(100)
    meter.setDrift(0.1)
    await clock.advance(100_000)
    expect((await meter.read()).energyWh).toBe(210)
    expect(() => meter.setDrift(-1)).toThrow(InvalidHardwareOptionError)
  })

  it('fails exactly as often as told, with the reason given, and counts every attempt', async () => {
    const { clock, measure } = constantLoad()
    const meter = createSimulatedEnergyMeter({ clock, measure })
    meter.failNext(3, 'no-reply')
    for (let i = 0; i < 3; i++) {
      await expect(meter.read()).rejects.toMatchObject({ name: 'MeterReadError', reason: 'no-reply' })
    }
    await expect(meter.read()).resolves.toMatchObject({ powerW: 3_600 })
    expect(meter.reads).toBe(4)
    expect(() => meter.failNext(-1)).toThrow(InvalidHardwareOptionError)
    expect(new MeterReadError('timeout').message).toMatch(/did not answer in time/)
  })
})
