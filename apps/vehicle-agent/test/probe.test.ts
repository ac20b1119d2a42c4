// `vehicle-agent probe can` as an installer runs it, against a fake slcan adapter with the car's ECU on a pty; and
// SocketCAN, which these machines lack, refused with a clear message. Break that fails it: `probe can` accepting both
// or neither of --port and --interface (the usage case exits 0).
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fakeCarObdMap, openPtyPair, startFakeSlcanAdapter } from '@chargechain/hardware-linux/testing'
import { describe, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))

function vehicleAgent(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('vehicle-agent probe can', () => {
  it('reads the standard state-of-charge PID and the PID map of the config through an slcan adapter', async () => {
    const pty = await openPtyPair()
    const adapter = await startFakeSlcanAdapter(pty.peerPath)
    try {
      const config = join(await mkdtemp(join(tmpdir(), 'probe-can-')), 'car.json')
      await writeFile(config, JSON.stringify({ hardware: { obd: fakeCarObdMap } }))
      const { code, stdout } = await vehicleAgent([
        'probe',
        'can',
        '--port',
        pty.devicePath,
        '--config',
        config,
        '--seconds',
        '0',
      ])
      expect(code).toBe(0)
      expect(stdout).toMatch(/^OBD PID 0x5B: battery 40\.0 %$/m)
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null')
      expect(result).toMatchObject({
        bus: `slcan ${pty.devicePath} @ 500 kbit/s`,
        energyWh: 1_234_500,
        voltageV: 356.4,
      })
    } finally {
      await adapter.close()
      await pty.close()
    }
  })

  it('wants exactly one of --port and --interface, and says clearly when SocketCAN is absent', async () => {
    const neither = await vehicleAgent(['probe', 'can'])
    expect(neither.code).toBe(2)
    expect(neither.stderr).toMatch(/give either --port PATH \(slcan\) or --interface NAME \(SocketCAN\)/)
    const socketcan = await vehicleAgent(['probe', 'can', '--interface', 'can0'])
    if (socketcan.code === 0) return console.warn('can0 exists here: the SocketCAN probe read it.')
    expect(socketcan.code).toBe(1)
    expect(socketcan.stderr).toMatch(/^SocketCAN interface can0 is not available/)
  })
})
