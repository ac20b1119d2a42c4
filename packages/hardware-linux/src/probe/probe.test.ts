// The installer's probes against the test peers: a jsmodbus meter, a fake STM32, fake libgpiod tools, a fake HC-05 in
// AT mode and a fake slcan adapter, each on a pty. Breaks that fail it: probeMeter reporting its own counts instead of
// the driver's (crcErrors 0), or probeStm32 closing before it listened (lines 0).
import { afterEach, describe, expect, it } from 'vitest'
import { obdMapSchema } from '../can/obd.js'
import { pileGpioSchema } from '../pile/pileConfig.js'
import { fakeCarObdMap } from '../testing/fakeCar.js'
import { createFakeGpioChip } from '../testing/fakeGpio.js'
import { startFakeHc05 } from '../testing/fakeHc05.js'
import { startFakeModbusMeter } from '../testing/fakeModbusMeter.js'
import { startFakeSlcanAdapter } from '../testing/fakeSlcanAdapter.js'
import { startFakeStm32 } from '../testing/fakeStm32.js'
import { openPtyPair } from '../testing/ptyPair.js'
import { probeCan } from './probeCan.js'
import { probeGpio } from './probeGpio.js'
import { probeHc05 } from './probeHc05.js'
import { probeMeter } from './probeMeter.js'
import { probeStm32 } from './probeStm32.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  cleanups.length = 0
})
async function pty() {
  const pair = await openPtyPair()
  cleanups.push(() => pair.close())
  return pair
}

describe('probes', () => {
  it('meter: prints each reading and counts a CRC error and a timeout', async () => {
    const { devicePath, peerPath } = await pty()
    const meter = await startFakeModbusMeter({ path: peerPath, profile: 'ddsd1352' })
    cleanups.push(() => meter.close())
    meter.injectFaults('crc', 'silent')
    const lines: string[] = []
    const result = await probeMeter(
      { path: devicePath, profile: 'ddsd1352', count: 2, intervalMs: 10, timeoutMs: 200 },
      (line) => lines.push(line),
    )
    expect(result).toEqual({ reads: 2, ok: 2, crcErrors: 1, timeouts: 1, energyKWh: 1234.56, voltageV: 230 })
    expect(lines[0]).toBe(`meter DDSD1352 on ${devicePath}, 4800 baud, slave 1`)
    expect(lines[1]).toMatch(/^#1 energy 1234\.560 kWh, 230\.0 V/)
  })

  it('stm32: prints each event and counts garbled lines', async () => {
    const { devicePath, peerPath } = await pty()
    const stm32 = await startFakeStm32({ path: peerPath, periodMs: 100 })
    cleanups.push(() => stm32.close())
    stm32.setPlugged(true)
    const lines: string[] = []
    const probing = probeStm32({ path: devicePath, seconds: 0.6 }, (line) => lines.push(line))
    await new Promise((resolve) => setTimeout(resolve, 200))
    await stm32.writeRaw('\x00\xffnoise\r\n')
    const result = await probing
    expect(result.garbled).toBe(1)
    expect(result.lines).toBeGreaterThanOrEqual(6)
    expect(result).toMatchObject({ energyKWh: 1234.56, voltageV: 230.4, plugged: true })
    expect(lines).toContain('gun plugged in')
    expect(
      lines.filter((line) => line.startsWith('garbled line skipped: ') && line.includes('noise')),
    ).toHaveLength(1)
  })

  it('gpio: shows the inputs and clicks the relay once', async () => {
    const chip = await createFakeGpioChip()
    cleanups.push(() => chip.close())
    await chip.drive(2, true)
    const lines: string[] = []
    const result = await probeGpio(
      {
        gpio: pileGpioSchema.parse({ tools: { dir: chip.toolsDir } }),
        seconds: 0.1,
        clickMs: 50,
        env: { ...process.env, ...chip.env },
      },
      (line) => lines.push(line),
    )
    expect(result).toEqual({
      version: 'v2.2.1',
      arrival: true,
      gun: null,
      linkStatus: false,
      relayClicked: true,
    })
    expect(lines).toContain('car arrival (gpiochip0 line 2): high')
    expect(lines).toContain('relay: off')
    expect(await chip.level(22)).toBe(false)
  })

  it('link: the HC-05 answers in AT mode; silence is reported, not thrown', async () => {
    const { devicePath, peerPath } = await pty()
    const hc05 = await startFakeHc05(peerPath, { role: 1 })
    const lines: string[] = []
    expect(await probeHc05({ path: devicePath }, (line) => lines.push(line))).toEqual({
      answered: true,
      version: '2.0-20100601',
      role: '1',
      state: 'INITIALIZED',
    })
    expect(lines.at(-1)).toBe('answered: version 2.0-20100601, role master, state INITIALIZED')
    await hc05.close()
    expect(await probeHc05({ path: devicePath, timeoutMs: 200 }, () => {})).toEqual({
      answered: false,
      version: null,
      role: null,
      state: null,
    })
  })

  it('can: reads the standard PID and the PID map through an slcan adapter', async () => {
    const { devicePath, peerPath } = await pty()
    const adapter = await startFakeSlcanAdapter(peerPath)
    cleanups.push(() => adapter.close())
    const lines: string[] = []
    const result = await probeCan(
      { port: devicePath, seconds: 0, map: obdMapSchema.parse(fakeCarObdMap) },
      (line) => lines.push(line),
    )
    expect(result).toMatchObject({ stateOfCharge: 102 / 255, energyWh: 1_234_500, voltageV: 356.4 })
    expect(result.frames).toBeGreaterThan(18)
    expect(lines).toContain('OBD PID 0x5B: battery 40.0 %')
  })
})
