import { InvalidHardwareOptionError, SimulationStateError } from '../errors.js'
import { type GunSensor, gunSensorFromButtons } from '../inputs.js'
import {
  type BatterySpec,
  batteryPowerW,
  type ChargerSpec,
  chargers,
  checkSpecs,
  packVoltage,
  pileTerminals,
} from './chargingCurve.js'
import { createSimulatedClock, type SimulatedClock } from './clock.js'
import { createSimulatedInput, type SimulatedInput } from './input.js'
import { createSimulatedLights, type SimulatedLights } from './lights.js'
import {
  createSimulatedEnergyMeter,
  createSimulatedVehicleMeter,
  type SimulatedEnergyMeter,
  type SimulatedVehicleMeter,
} from './meter.js'
import { createSimulatedOutput, type SimulatedOutput } from './output.js'

export interface ChargingSimulationOptions {
  /** The clock to run on. Default: a new simulated clock at `speed`, or stepped by hand if `speed` is unset. */
  clock?: SimulatedClock
  speed?: number
  /** Default `chargers.ac7kW`. */
  charger?: ChargerSpec
  battery?: Partial<BatterySpec> & { startSoc?: number }
  /** Relative error of the car's own energy measurement (0.01 = reads 1 % high). Default 0. */
  vehicleMeterError?: number
  /** The pile meter's register before the session, in Wh. Default 0. */
  pileMeterStartWh?: number
  /** Default 10 Wh, the DDSD1352's 0.01 kWh. */
  pileMeterResolutionWh?: number
  /** `single`: one gun line; `buttons`: separate plug / unplug buttons (BCM 27 / 10 on the prototype). */
  gunWiring?: 'single' | 'buttons'
  /** How long the arrival sensor must stay high to count. Default 500 ms, as on the prototype. */
  arrivalHoldMs?: number
  gunDebounceMs?: number
}

export interface PileHardware {
  arrival: SimulatedInput
  gun: GunSensor
  link: SimulatedInput
  relay: SimulatedOutput
  bluetoothPower: SimulatedOutput
  meter: SimulatedEnergyMeter
}

export interface CarHardware {
  meter: SimulatedVehicleMeter
  lights: SimulatedLights
}

/** The physical truth of the simulated world at one instant. */
export interface WorldState {
  at: number
  carPresent: boolean
  plugged: boolean
  relayOn: boolean
  linkConnected: boolean
  /** Power drawn from the grid now, W. */
  gridPowerW: number
  /** Power reaching the battery now, W. */
  batteryPowerW: number
  stateOfCharge: number
  /** Energy drawn through the pile since the simulation began, Wh. */
  gridEnergyWh: number
  /** Energy stored in the battery since the simulation began, Wh. */
  batteryEnergyWh: number
  /** Times the gun was pulled while current flowed (arcing; a correct pile agent opens the relay first). */
  unplugsUnderLoad: number
}

/** One pile and one car, coupled: hardware for each agent, and controls for the test to play the world. */
export interface ChargingSimulation {
  readonly clock: SimulatedClock
  readonly pile: PileHardware
  readonly car: CarHardware
  arrive(): void
  leave(): void
  plug(): void
  unplug(): void
  /** The car's HC-05 pairs with the pile's; only possible while the pile powers its module. */
  connectLink(): void
  disconnectLink(): void
  state(): WorldState
  /** Closes every device, which leaves the relay and the Bluetooth module off. */
  close(): Promise<void>
}

/** Integration step: fine enough that the taper is followed smoothly, coarse enough to simulate hours quickly. */
const STEP_MS = 1_000
const GUN_PRESS_MS = 200

export function createChargingSimulation(options: ChargingSimulationOptions = {}): ChargingSimulation {
  const clock = options.clock ?? createSimulatedClock({ speed: options.speed })
  const charger = options.charger ?? chargers.ac7kW
  const battery: BatterySpec = {
    capacityWh: options.battery?.capacityWh ?? 60_000,
    taperFromSoc: options.battery?.taperFromSoc ?? 0.8,
  }
  checkSpecs(charger, battery)
  const startSoc = options.battery?.startSoc ?? 0.3
  if (!(startSoc >= 0 && startSoc <= 1)) {
    throw new InvalidHardwareOptionError('battery.startSoc', 'a fraction in [0, 1]', startSoc)
  }
  const vehicleMeterError = options.vehicleMeterError ?? 0
  if (!(vehicleMeterError > -0.5 && vehicleMeterError < 0.5)) {
    throw new InvalidHardwareOptionError('vehicleMeterError', 'a fraction in (-0.5, 0.5)', vehicleMeterError)
  }

  let carPresent = false
  let plugged = false
  let soc = startSoc
  let gridEnergyWh = 0
  let batteryEnergyWh = 0
  let unplugsUnderLoad = 0
  let syncedAt = clock.now()

  const flowing = () => carPresent && plugged && relay.physical() && soc < 1
  const batteryPower = () => (flowing() ? batteryPowerW(charger, battery, soc) : 0)
  const gridPower = () => batteryPower() / (1 - charger.lossFraction)

  // Energy is integrated lazily up to `now` whenever someone looks or something changes, so the world needs no timer.
  const sync = () => {
    const now = clock.now()
    while (syncedAt < now) {
      const stepMs = Math.min(STEP_MS, now - syncedAt)
      const hours = stepMs / 3_600_000
      const storedWh = Math.min(batteryPower() * hours, (1 - soc) * battery.capacityWh)
      batteryEnergyWh += storedWh
      gridEnergyWh += storedWh / (1 - charger.lossFraction)
      soc = Math.min(1, soc + storedWh / battery.capacityWh)
      syncedAt += stepMs
    }
  }

  const relay = createSimulatedOutput({ clock, name: 'charging relay', onBeforeChange: sync })
  const bluetoothPower = createSimulatedOutput({
    clock,
    name: 'HC-05 power',
    onBeforeChange: (on) => {
      if (!on) link.set(false) // an unpowered module drops its peer
    },
  })
  const arrival = createSimulatedInput({
    clock,
    debounceMs: options.arrivalHoldMs ?? 500,
    name: 'arrival sensor',
  })
  const link = createSimulatedInput({ clock, name: 'HC-05 STATE' })
  const gunDebounceMs = options.gunDebounceMs ?? 50
  const gunWiring = options.gunWiring ?? 'single'
  const gunLine = createSimulatedInput({ clock, debounceMs: gunDebounceMs, name: 'gun sensor' })
  const plugButton = createSimulatedInput({ clock, debounceMs: gunDebounceMs, name: 'gun-in button' })
  const unplugButton = createSimulatedInput({ clock, debounceMs: gunDebounceMs, name: 'gun-out button' })
  const gun =
    gunWiring === 'single' ? gunLine : gunSensorFromButtons({ plug: plugButton, unplug: unplugButton })

  const pileMeter = createSimulatedEnergyMeter({
    clock,
    name: 'pile meter',
    startWh: options.pileMeterStartWh ?? 0,
    resolutionWh: options.pileMeterResolutionWh ?? 10,
    measure: () => {
      sync()
      const powerW = gridPower()
      return { energyWh: gridEnergyWh, powerW, ...pileTerminals(charger, powerW, soc) }
    },
  })
  const carMeter = createSimulatedVehicleMeter({
    clock,
    name: 'vehicle meter',
    measure: () => {
      sync()
      const scale = 1 + vehicleMeterError
      const voltageV = packVoltage(soc)
      const powerW = batteryPower() * scale
      return {
        energyWh: batteryEnergyWh * scale,
        voltageV,
        currentA: powerW / voltageV,
        powerW,
        stateOfCharge: soc,
      }
    },
  })
  const lights = createSimulatedLights({ clock })

  const setGun = (level: boolean) => {
    if (gunWiring === 'single') gunLine.set(level)
    else (level ? plugButton : unplugButton).press(GUN_PRESS_MS)
  }

  const state = (): WorldState => {
    sync()
    return {
      at: clock.now(),
      carPresent,
      plugged,
      relayOn: relay.physical(),
      linkConnected: link.raw(),
      gridPowerW: gridPower(),
      batteryPowerW: batteryPower(),
      stateOfCharge: soc,
      gridEnergyWh,
      batteryEnergyWh,
      unplugsUnderLoad,
    }
  }

  return {
    clock,
    pile: { arrival, gun, link, relay, bluetoothPower, meter: pileMeter },
    car: { meter: carMeter, lights },
    arrive() {
      if (carPresent) throw new SimulationStateError('A car is already at the pile; call leave() first.')
      carPresent = true
      arrival.set(true)
    },
    leave() {
      if (!carPresent) throw new SimulationStateError('No car is at the pile; call arrive() first.')
      if (plugged)
        throw new SimulationStateError('The gun is still in the car; call unplug() before leave().')
      link.set(false)
      carPresent = false
      arrival.set(false)
    },
    plug() {
      if (!carPresent) throw new SimulationStateError('No car to plug the gun into; call arrive() first.')
      if (plugged) throw new SimulationStateError('The gun is already plugged in.')
      sync()
      plugged = true
      setGun(true)
    },
    unplug() {
      if (!plugged) throw new SimulationStateError('The gun is not plugged in.')
      sync()
      if (flowing()) unplugsUnderLoad++
      plugged = false
      setGun(false)
    },
    connectLink() {
      if (!carPresent) throw new SimulationStateError('No car at the pile to connect over Bluetooth.')
      if (!bluetoothPower.physical()) {
        throw new SimulationStateError(
          'The pile has not powered its HC-05 (EN); switch bluetoothPower on first.',
        )
      }
      link.set(true)
    },
    disconnectLink() {
      link.set(false)
    },
    state,
    async close() {
      sync()
      await Promise.all(
        [
          arrival,
          gun,
          link,
          gunLine,
          plugButton,
          unplugButton,
          relay,
          bluetoothPower,
          pileMeter,
          carMeter,
          lights,
        ].map((device) => device.close()),
      )
    },
  }
}
