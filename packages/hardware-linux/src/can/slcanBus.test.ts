// OBD over an slcan adapter on a real pseudo-terminal (socat): the fake adapter answers as a Lawicel adapter does and
// has the car's battery ECU on its bus. Then SocketCAN, which these machines' kernels lack. Breaks that fail it:
// `openSlcanBus` not opening the channel (`O`) (the adapter refuses every frame with BEL), or the SocketCAN
// wrapper letting the module's plain Error through (the typed-error test fails).
import { createRealClock } from '@chargechain/hardware'
import { describeVehicleEnergyMeterContract } from '@chargechain/hardware/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeCarObdMap } from '../testing/fakeCar.js'
import { type FakeSlcanAdapter, startFakeSlcanAdapter } from '../testing/fakeSlcanAdapter.js'
import { openPtyPair, type PtyPair, socatAvailable, socatHint } from '../testing/ptyPair.js'
import type { CanBus } from './bus.js'
import { SocketCanUnavailableError } from './errors.js'
import { createObdVehicleMeter, obdMapSchema } from './obd.js'
import { openSlcanBus } from './slcanBus.js'
import { openSocketCanBus } from './socketcan.js'

const clock = createRealClock()
const map = obdMapSchema.parse(fakeCarObdMap)

async function rig() {
  const pty = await openPtyPair()
  const adapter = await startFakeSlcanAdapter(pty.peerPath)
  const bus = await openSlcanBus({ path: pty.devicePath, bitrate: 500_000 })
  return {
    pty,
    adapter,
    bus,
    async close() {
      await bus.close()
      await adapter.close()
      await pty.close()
    },
  }
}

it('needs socat for the slcan tests', () => {
  expect(socatAvailable, socatHint).toBe(true)
})

describeVehicleEnergyMeterContract('OBD over an slcan adapter on a pty', async () => {
  const { adapter, bus, close } = await rig()
  adapter.ecu.setCurrent(-20)
  return {
    // A real-time answer over a pty: 1.5 s leaves room for a loaded CI machine (300 ms timed out at load 30).
    meter: createObdVehicleMeter({ bus, map, clock, timeoutMs: 1_500 }),
    flow: async () => adapter.ecu.charge(500),
    // Each read starts with the state-of-charge request: an unanswered one fails that read.
    failNext: (count) => adapter.ecu.ignoreNext(count),
    close,
  }
})

describe('slcan bus', () => {
  let current: { pty: PtyPair; adapter: FakeSlcanAdapter; bus: CanBus; close(): Promise<void> } | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it('closes, sets 500 kbit/s and opens the channel, then reads the car through ISO-TP', async () => {
    current = await rig()
    const { adapter, bus } = current
    expect(adapter.commands).toEqual(['C', 'S6', 'O'])
    expect(adapter.open).toBe(true)
    const meter = createObdVehicleMeter({ bus, map, clock, timeoutMs: 1_500 })
    adapter.ecu.setCurrent(-10)
    const reading = await meter.read()
    expect(reading).toMatchObject({ energyWh: 1_234_500, voltageV: 356.4, currentA: 10, powerW: 3_564 })
    await bus.close()
    expect(adapter.open).toBe(false)
  })
})

describe('SocketCAN', () => {
  it('says clearly when the kernel has no CAN interface (as on these machines)', async () => {
    const error = await openSocketCanBus({ interface: 'can0' }).then(
      async (bus) => {
        await bus.close()
        return undefined
      },
      (caught: unknown) => caught,
    )
    if (error === undefined) {
      console.warn('can0 exists on this machine: the SocketCAN hardware test below runs against it.')
      return
    }
    expect(error).toBeInstanceOf(SocketCanUnavailableError)
    expect((error as Error).message).toMatch(/^SocketCAN interface can0 is not available \(/)
    expect((error as Error).message).toMatch(/or use an slcan adapter on a serial port/)
  })

  // Needs a CAN interface with a car (or an OBD simulator) on it: set CHARGECHAIN_CAN_INTERFACE=can0 to run it.
  const hardware = process.env.CHARGECHAIN_CAN_INTERFACE
  if (!hardware)
    console.warn(
      'SocketCAN hardware test NOT RUN: it needs a CAN interface; set CHARGECHAIN_CAN_INTERFACE=can0 to run it.',
    )
  describe.skipIf(!hardware)(
    `on real hardware — NEEDS HARDWARE: set CHARGECHAIN_CAN_INTERFACE (now ${hardware ?? 'unset'})`,
    () => {
      it('reads the state of charge over SocketCAN', async () => {
        const bus = await openSocketCanBus({ interface: hardware ?? 'can0' })
        try {
          const meter = createObdVehicleMeter({ bus, map, clock, timeoutMs: 500 })
          const reading = await meter.read()
          expect(reading.stateOfCharge).toBeGreaterThanOrEqual(0)
          expect(reading.stateOfCharge).toBeLessThanOrEqual(1)
        } finally {
          await bus.close()
        }
      })
    },
  )
})
