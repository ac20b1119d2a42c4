// ISO-TP and the OBD meter against the fake battery ECU, on an in-memory bus (the slcan adapter and the pty are in
// slcanBus.test.ts). Breaks that fail it: no flow-control frame after a first frame (every long answer times out), or
// the consecutive-frame counter not wrapping at 15 (the 120-byte record is refused as out of sequence).
import { createRealClock, MeterReadError } from '@chargechain/hardware'
import { describe, expect, it } from 'vitest'
import { createFakeCarEcu, fakeCarObdMap } from '../testing/fakeCar.js'
import type { CanBus, CanFrame } from './bus.js'
import { IsoTpError, ObdNegativeResponseError } from './errors.js'
import { isoTpRequest } from './isotp.js'
import { createObdVehicleMeter, obdMapSchema, readObdQuantity } from './obd.js'

/** A bus with the ECU on it: what we send reaches it a tick later, what it sends reaches our listeners. */
function busWithCar() {
  const listeners = new Set<(frame: CanFrame) => void>()
  const sent: CanFrame[] = []
  const ecu = createFakeCarEcu((frame) =>
    setImmediate(() => {
      for (const listener of listeners) listener(frame)
    }),
  )
  const bus: CanBus = {
    name: 'memory',
    async send(frame) {
      sent.push(frame)
      setImmediate(() => ecu.receive(frame))
    },
    onFrame(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {},
  }
  return { bus, ecu, sent }
}

const map = obdMapSchema.parse(fakeCarObdMap)

describe('ISO-TP and OBD', () => {
  it('reads a single-frame answer (service 01, PID 5B)', async () => {
    const { bus, ecu } = busWithCar()
    ecu.state.stateOfCharge = 0.6
    expect(await readObdQuantity(bus, map.stateOfCharge, 200)).toBeCloseTo(153 / 255, 10)
  })

  it('reads a 123-byte answer across 17 consecutive frames, sending flow control to the ECU', async () => {
    const { bus, sent } = busWithCar()
    const answer = await isoTpRequest(bus, {
      requestId: 0x7e0,
      responseId: 0x7e8,
      payload: Uint8Array.of(0x22, 0x01, 0x01),
      timeoutMs: 500,
    })
    expect(answer.length).toBe(123)
    expect([...answer.subarray(0, 3)]).toEqual([0x62, 0x01, 0x01])
    expect(sent.map((frame) => [frame.id, frame.data[0]])).toEqual([
      [0x7e0, 0x03],
      [0x7e0, 0x30],
    ])
    expect(await readObdQuantity(bus, map.voltageV, 500)).toBeCloseTo(356.4, 6)
    expect(await readObdQuantity(bus, map.energyWh ?? map.voltageV, 500)).toBe(1_234_500)
  })

  it('refuses frames out of sequence, times out on silence, and reports a refused PID', async () => {
    const { bus, ecu } = busWithCar()
    ecu.scrambleNext()
    await expect(readObdQuantity(bus, map.voltageV, 300)).rejects.toMatchObject({ reason: 'sequence' })
    ecu.ignoreNext(1)
    const silent = await readObdQuantity(bus, map.stateOfCharge, 100).catch((error: unknown) => error)
    expect(silent).toBeInstanceOf(IsoTpError)
    expect((silent as IsoTpError).retryable).toBe(true)
    await expect(readObdQuantity(bus, { ...map.stateOfCharge, pid: 0x9a }, 200)).rejects.toThrow(
      ObdNegativeResponseError,
    )
  })

  it('makes a vehicle meter whose failures are retryable MeterReadErrors', async () => {
    const { bus, ecu } = busWithCar()
    const meter = createObdVehicleMeter({ bus, map, clock: createRealClock(), timeoutMs: 100 })
    ecu.setCurrent(-20) // charging current, negative in this car's sign convention
    const reading = await meter.read()
    expect(reading).toMatchObject({ energyWh: 1_234_500, voltageV: 356.4, currentA: 20 })
    expect(reading.stateOfCharge).toBeCloseTo(0.4, 10)
    expect(reading.powerW).toBeCloseTo(7_128, 6)
    ecu.ignoreNext(1)
    await expect(meter.read()).rejects.toBeInstanceOf(MeterReadError)
    expect(meter.stats()).toEqual({ reads: 2, ok: 1, failed: 1 })
  })

  it('refuses a PID map with neither an energy PID nor a battery capacity', () => {
    const { energyWh: _dropped, ...withoutEnergy } = fakeCarObdMap
    expect(() => obdMapSchema.parse(withoutEnergy)).toThrow(/energyWh PID or the battery capacityWh/)
    expect(obdMapSchema.parse({ ...withoutEnergy, capacityWh: 64_000 }).capacityWh).toBe(64_000)
  })
})
