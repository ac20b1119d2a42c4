import { describe, expect, it } from 'vitest'
import { InvalidHardwareOptionError, SimulationStateError } from '../errors.js'
import type { Edge } from '../inputs.js'
import { createChargingSimulation } from './charging.js'
import { chargers } from './chargingCurve.js'

const HOUR = 3_600_000

/** Arrive, plug in, switch on: the steps a pile agent takes before energy flows. */
async function startCharging(world: ReturnType<typeof createChargingSimulation>) {
  world.arrive()
  world.plug()
  await world.pile.relay.set(true)
}

describe('createChargingSimulation', () => {
  it('delivers rated power on AC with the grid voltage and a consistent current', async () => {
    const world = createChargingSimulation({ battery: { capacityWh: 60_000, startSoc: 0.2 } })
    await startCharging(world)
    await world.clock.advance(HOUR)
    const pile = await world.pile.meter.read()
    expect(pile.powerW).toBeCloseTo(7_000, 6)
    expect(pile.voltageV).toBeGreaterThan(225)
    expect(pile.voltageV).toBeLessThan(230)
    expect(pile.voltageV * pile.currentA).toBeCloseTo(pile.powerW, 6)
    expect(pile.energyWh).toBe(7_000)
    const car = await world.car.meter.read()
    expect(car.energyWh).toBeCloseTo(7_000 * 0.92, 3)
    expect(car.stateOfCharge).toBeCloseTo(0.2 + 6_440 / 60_000, 6)
    await world.close()
  })

  it('tapers above 80 % state of charge, reaches full in finite time and then draws nothing', async () => {
    const world = createChargingSimulation({
      charger: chargers.dc60kW,
      battery: { capacityWh: 50_000, startSoc: 0.7 },
    })
    await startCharging(world)
    const fullPower = world.state().batteryPowerW
    expect(fullPower).toBeCloseTo(57_000, 6)
    await world.clock.advance(10 * 60_000)
    const tapering = world.state()
    expect(tapering.stateOfCharge).toBeGreaterThan(0.8)
    expect(tapering.batteryPowerW).toBeLessThan(fullPower)
    expect(tapering.batteryPowerW).toBeCloseTo((fullPower * (1 - tapering.stateOfCharge)) / 0.2, 6)
    await world.clock.advance(4 * HOUR)
    const full = world.state()
    expect(full.stateOfCharge).toBe(1)
    expect(full.gridPowerW).toBe(0)
    expect(full.batteryEnergyWh).toBeCloseTo(15_000, 6)
    const pile = await world.pile.meter.read()
    expect(pile.voltageV).toBe(400)
    expect(pile.currentA).toBe(0)
    await world.close()
  })

  it('lets the car measure less than the pile by the losses and its own error', async () => {
    const world = createChargingSimulation({ vehicleMeterError: 0.01, pileMeterResolutionWh: 1 })
    await startCharging(world)
    await world.clock.advance(HOUR / 2)
    const pile = await world.pile.meter.read()
    const car = await world.car.meter.read()
    expect(car.energyWh / pile.energyWh).toBeCloseTo(0.92 * 1.01, 3)
    await world.close()
  })

  it('flows only while the car is there, the gun is in and the relay is on', async () => {
    const world = createChargingSimulation()
    world.arrive()
    await world.pile.relay.set(true)
    await world.clock.advance(60_000)
    expect(world.state().gridEnergyWh).toBe(0)
    world.plug()
    await world.clock.advance(60_000)
    await world.pile.relay.set(false)
    await world.clock.advance(60_000)
    const state = world.state()
    expect(state.gridEnergyWh).toBeCloseTo(7_000 / 60, 6)
    expect(state.unplugsUnderLoad).toBe(0)
    await world.pile.relay.set(true)
    world.unplug()
    expect(world.state().unplugsUnderLoad).toBe(1)
    await world.close()
  })

  it('shows the pile the same debounced sensor edges a real pile would see', async () => {
    const world = createChargingSimulation({ gunWiring: 'buttons' })
    const edges: Array<[string, Edge]> = []
    for (const [name, input] of Object.entries({ arrival: world.pile.arrival, gun: world.pile.gun })) {
      input.onEdge((edge) => edges.push([name, edge]))
    }
    const arrivedAt = world.clock.now()
    world.arrive()
    await world.clock.advance(400)
    expect(edges).toEqual([])
    await world.clock.advance(200)
    world.plug()
    await world.clock.advance(1_000)
    world.unplug()
    await world.clock.advance(1_000)
    world.leave()
    await world.clock.advance(1_000)
    expect(edges.map(([name, edge]) => `${name}:${edge.level}`)).toEqual([
      'arrival:true',
      'gun:true',
      'gun:false',
      'arrival:false',
    ])
    expect(edges[0]?.[1].at).toBe(arrivedAt)
    await world.close()
  })

  it('connects Bluetooth only while the pile powers its HC-05, and drops it when power goes', async () => {
    const world = createChargingSimulation()
    world.arrive()
    expect(() => world.connectLink()).toThrow(SimulationStateError)
    await world.pile.bluetoothPower.set(true)
    world.connectLink()
    await world.clock.advance(10)
    expect(world.pile.link.current()).toBe(true)
    await world.pile.bluetoothPower.set(false)
    await world.clock.advance(10)
    expect(world.pile.link.current()).toBe(false)
    await world.close()
  })

  it('refuses what cannot happen physically, and bad specifications', async () => {
    const world = createChargingSimulation()
    expect(() => world.plug()).toThrow(/call arrive\(\) first/)
    world.arrive()
    world.plug()
    expect(() => world.leave()).toThrow(/unplug\(\) before leave\(\)/)
    expect(() => world.arrive()).toThrow(SimulationStateError)
    await world.close()
    expect(() => createChargingSimulation({ battery: { startSoc: 1.5 } })).toThrow(InvalidHardwareOptionError)
    expect(() =>
      createChargingSimulation({ charger: { kind: 'ac', ratedPowerW: 60_000, lossFraction: 0.05 } }),
    ).toThrow(/at most 22000 W/)
  })

  it('leaves the relay and the Bluetooth module off when closed', async () => {
    const world = createChargingSimulation()
    await startCharging(world)
    await world.pile.bluetoothPower.set(true)
    await world.close()
    expect(world.pile.relay.physical()).toBe(false)
    expect(world.pile.bluetoothPower.physical()).toBe(false)
  })

  it('runs a session at a speed factor on its own', async () => {
    const world = createChargingSimulation({ speed: 3_600 })
    await startCharging(world)
    await world.clock.sleep(HOUR / 4)
    expect(world.state().gridEnergyWh).toBeGreaterThanOrEqual(7_000 / 4)
    await world.close()
  })
})
