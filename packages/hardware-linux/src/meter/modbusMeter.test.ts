// The Modbus RTU meter driver (modbus-serial) against a slave built on jsmodbus, over a socat pty pair, for each
// built-in profile, with CRC-corrupted, truncated and silent replies. Breaks that fail it: `FreshRtuPort.write` not
// emptying the buffer (the read after a truncated reply fails its CRC too), `wordOrder` ignored in `decodeField`
// (the little-endian map reads nonsense), or the retry loop made a single attempt (the CRC case rejects).
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRealClock, MeterReadError } from '@chargechain/hardware'
import { describeEnergyMeterContract } from '@chargechain/hardware/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { type FakeModbusMeter, startFakeModbusMeter } from '../testing/fakeModbusMeter.js'
import { openPtyPair, type PtyPair, socatAvailable, socatHint } from '../testing/ptyPair.js'
import { MeterProfileError } from './errors.js'
import { type ModbusMeter, openModbusMeter } from './modbusMeter.js'
import { builtInProfiles, loadMeterProfile, meterProfile } from './profiles.js'
import { decodeField } from './registers.js'

const clock = createRealClock()
/** What a float32 register holding `kWh` reads as, in Wh to the milliwatt-hour. */
const float32Wh = (kWh: number, scale = 1) => Math.round(Math.fround(kWh) * scale * 1_000_000) / 1000
const ATTEMPTS = 2
type ProfileName = keyof typeof builtInProfiles

async function rig(name: ProfileName, options: { currentA?: number; timeoutMs?: number } = {}) {
  const pty = await openPtyPair()
  const fake = await startFakeModbusMeter({
    path: pty.peerPath,
    profile: name,
    currentA: options.currentA ?? 0,
  })
  const meter = await openModbusMeter({
    path: pty.devicePath,
    profile: meterProfile(builtInProfiles[name]),
    clock,
    timeoutMs: options.timeoutMs ?? 400,
    attempts: ATTEMPTS,
  })
  return {
    pty,
    fake,
    meter,
    async close() {
      await meter.close()
      await fake.close()
      await pty.close()
    },
  }
}

it('needs socat for the serial tests', () => {
  expect(socatAvailable, socatHint).toBe(true)
})

for (const name of ['ddsd1352', 'sdm120', 'sdm630'] as const) {
  describeEnergyMeterContract(`Modbus ${name} against a jsmodbus slave over a pty`, async () => {
    const { fake, meter, close } = await rig(name, { currentA: 16 })
    const faults = ['crc', 'truncate', 'silent'] as const
    return {
      meter,
      async flow() {
        await new Promise((resolve) => setTimeout(resolve, 20))
        fake.addEnergy(0.05)
      },
      failNext: (count) =>
        fake.injectFaults(
          ...Array.from({ length: count * ATTEMPTS }, (_, index) => faults[index % 3] ?? 'crc'),
        ),
      close,
    }
  })
}

describe('Modbus meter driver', () => {
  let current: { pty: PtyPair; fake: FakeModbusMeter; meter: ModbusMeter; close(): Promise<void> } | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it('reads the DDSD1352 energy as a u32 of 0.01 kWh and the voltage in 0.1 V, in one 18-register request', async () => {
    current = await rig('ddsd1352')
    const { meter, fake } = current
    expect(meter.profile.blocks).toEqual([{ function: 3, address: 0, count: 18 }])
    const reading = await meter.read()
    expect(reading.energyWh).toBe(1_234_560)
    expect(reading.voltageV).toBe(230)
    expect(fake.requests).toBe(1)
  })

  it('reads the SDM120 and SDM630 float registers', async () => {
    for (const name of ['sdm120', 'sdm630'] as const) {
      current = await rig(name, { currentA: 10 })
      const reading = await current.meter.read()
      expect([reading.energyWh, reading.voltageV, reading.currentA, reading.powerW]).toEqual([
        float32Wh(1234.56),
        230,
        10,
        2_300,
      ])
      await current.close()
      current = undefined
    }
  })

  it('retries a CRC-corrupted reply and a truncated one, and counts each', async () => {
    current = await rig('ddsd1352')
    const { meter, fake } = current
    fake.injectFaults('crc')
    expect((await meter.read()).energyWh).toBe(1_234_560)
    fake.injectFaults('truncate')
    expect((await meter.read()).energyWh).toBe(1_234_560)
    expect(meter.stats()).toEqual({ reads: 2, ok: 2, crcErrors: 1, timeouts: 1, malformed: 0 })
  })

  it('gives up after its attempts with a retryable MeterReadError, and recovers when the meter answers again', async () => {
    current = await rig('sdm120')
    const { meter, fake } = current
    fake.silence()
    const error = await meter.read().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MeterReadError)
    expect((error as MeterReadError).reason).toBe('timeout')
    expect((error as MeterReadError).retryable).toBe(true)
    fake.injectFaults('crc', 'crc')
    fake.answer()
    const crc = await meter.read().catch((caught: unknown) => caught)
    expect((crc as MeterReadError).reason).toBe('crc')
    fake.addEnergy(1)
    expect((await meter.read()).energyWh).toBe(float32Wh(1235.56))
    expect(meter.stats()).toEqual({ reads: 3, ok: 1, crcErrors: 2, timeouts: 2, malformed: 0 })
  })

  it('refuses an energy register that went backwards', async () => {
    current = await rig('ddsd1352')
    const { meter, fake } = current
    await meter.read()
    fake.addEnergy(-0.01)
    const error = await meter.read().catch((caught: unknown) => caught)
    expect((error as MeterReadError).reason).toBe('malformed')
  })

  it('reads a generic register map from a file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'chargechain-profile-'))
    const file = join(folder, 'meter.json')
    // The SDM630's registers, described the way an installer would for an unknown meter.
    await writeFile(
      file,
      JSON.stringify({
        name: 'my meter',
        fields: {
          energyKWh: { function: 4, address: 0x156, type: 'float32', scale: 1000, wordOrder: 'big' },
          voltageV: { function: 4, address: 0x2a, type: 'float32' },
        },
      }),
    )
    const profile = await loadMeterProfile(file)
    expect(profile.blocks).toEqual([
      { function: 4, address: 0x2a, count: 2 },
      { function: 4, address: 0x156, count: 2 },
    ])
    const pty = await openPtyPair()
    const fake = await startFakeModbusMeter({ path: pty.peerPath, profile: 'sdm630' })
    const meter = await openModbusMeter({ path: pty.devicePath, profile, clock, timeoutMs: 150 })
    current = {
      pty,
      fake,
      meter,
      async close() {
        await meter.close()
        await fake.close()
        await pty.close()
      },
    }
    // scale 1000: this map reads the register as MWh, so 1234.56 becomes 1 234 560 kWh.
    expect((await meter.read()).energyWh).toBe(float32Wh(1234.56, 1000))
    expect(profile.baudRate).toBe(9_600)
  })
})

describe('meter profiles', () => {
  it('decodes 32-bit values in either word order', () => {
    const field = { function: 3, address: 10, type: 'u32', scale: 0.01 } as const
    expect(decodeField({ ...field, wordOrder: 'big' }, 10, [0x0001, 0xe240])).toBe(1234.56)
    expect(decodeField({ ...field, wordOrder: 'little' }, 10, [0xe240, 0x0001])).toBe(1234.56)
    expect(decodeField({ ...field, wordOrder: 'big', type: 's16', scale: 1 }, 9, [0, 0xffff])).toBe(-1)
    expect(decodeField({ ...field, wordOrder: 'big' }, 10, [1])).toBeUndefined()
  })

  it('refuses a profile without energy, a block that misses a field, and an unknown name', async () => {
    expect(() =>
      meterProfile({ name: 'x', fields: { voltageV: { function: 3, address: 0, type: 'u16' } } }),
    ).toThrow(MeterProfileError)
    expect(() =>
      meterProfile({
        ...builtInProfiles.ddsd1352,
        blocks: [{ function: 3, address: 0, count: 4 }],
      }),
    ).toThrow(/no block reads the voltageV registers/)
    await expect(loadMeterProfile('ddsd9999')).rejects.toThrow(/not a built-in profile/)
  })
})
