import { describe, expect, it } from 'vitest'
import { HardwareClosedError, MeterReadError } from '../errors.js'
import type { MeterReading, VehicleReading } from '../meter.js'

interface AnyMeter<Reading extends MeterReading> {
  read(): Promise<Reading>
  close(): Promise<void>
}

export interface MeterHarness<Reading extends MeterReading = MeterReading> {
  /** The meter under test, with current flowing through it. */
  meter: AnyMeter<Reading>
  /** Lets enough time pass, with current flowing, for the energy register to advance by at least one count. */
  flow(): Promise<void>
  /** Makes the next `count` reads fail (a simulated fault, or a fake bus device told to corrupt its replies). */
  failNext(count: number): void | Promise<void>
  close?(): Promise<void>
}

/** Each item with the one before it. */
function* consecutive<T>(items: Iterable<T>): Generator<[previous: T, next: T]> {
  let previous: [T] | undefined
  for (const item of items) {
    if (previous) yield [previous[0], item]
    previous = [item]
  }
}

function describeMeterCases<Reading extends MeterReading>(
  factory: () => Promise<MeterHarness<Reading>>,
  extraChecks: (readings: Reading[]) => void,
): void {
  const withHarness = (test: (harness: MeterHarness<Reading>) => Promise<void>) => async () => {
    const harness = await factory()
    try {
      await test(harness)
    } finally {
      await harness.meter.close()
      await harness.close?.()
    }
  }

  it(
    'gives physically consistent readings whose energy never decreases and grows while current flows',
    withHarness(async ({ meter, flow }) => {
      const first = await meter.read()
      const readings: Reading[] = [first]
      let last = first
      for (let i = 0; i < 4; i++) {
        await flow()
        last = await meter.read()
        readings.push(last)
      }
      for (const reading of readings) {
        for (const value of [reading.energyWh, reading.voltageV, reading.currentA, reading.powerW]) {
          expect(Number.isFinite(value) && value >= 0).toBe(true)
        }
        if (reading.powerW > 0) {
          expect(Math.abs(reading.voltageV * reading.currentA - reading.powerW)).toBeLessThanOrEqual(
            reading.powerW * 0.1,
          )
        }
      }
      for (const [previous, next] of consecutive(readings)) {
        expect(next.energyWh).toBeGreaterThanOrEqual(previous.energyWh)
        expect(next.at).toBeGreaterThanOrEqual(previous.at)
      }
      expect(last.energyWh).toBeGreaterThan(first.energyWh)
      extraChecks(readings)
    }),
  )

  it(
    'rejects failing reads with a retryable MeterReadError and recovers without losing energy',
    withHarness(async ({ meter, flow, failNext }) => {
      const first = await meter.read()
      await failNext(2)
      await flow()
      for (let i = 0; i < 2; i++) {
        const error = await meter.read().then(
          () => undefined,
          (reason: unknown) => reason,
        )
        expect(error).toBeInstanceOf(MeterReadError)
        expect((error as MeterReadError).retryable).toBe(true)
      }
      const recovered = await meter.read()
      expect(recovered.energyWh).toBeGreaterThan(first.energyWh)
    }),
  )

  it(
    'rejects reads after close with HardwareClosedError',
    withHarness(async ({ meter }) => {
      await meter.close()
      await expect(meter.read()).rejects.toThrow(HardwareClosedError)
    }),
  )
}

/** The behaviour every pile `EnergyMeter` driver must show. */
export function describeEnergyMeterContract(name: string, factory: () => Promise<MeterHarness>): void {
  describe(`EnergyMeter contract: ${name}`, () => describeMeterCases(factory, () => {}))
}

/** The behaviour every `VehicleEnergyMeter` driver must show: the meter cases, plus a sane state of charge. */
export function describeVehicleEnergyMeterContract(
  name: string,
  factory: () => Promise<MeterHarness<VehicleReading>>,
): void {
  describe(`VehicleEnergyMeter contract: ${name}`, () =>
    describeMeterCases(factory, (readings) => {
      for (const { stateOfCharge } of readings) expect(stateOfCharge >= 0 && stateOfCharge <= 1).toBe(true)
      for (const [previous, next] of consecutive(readings))
        expect(next.stateOfCharge).toBeGreaterThanOrEqual(previous.stateOfCharge)
    }))
}
