import { createRealClock, MeterReadError } from '@chargechain/hardware'
import { openModbusMeter } from '../meter/modbusMeter.js'
import { ddsd1352, loadMeterProfile, meterProfile } from '../meter/profiles.js'

export interface ProbeMeterOptions {
  path: string
  /** `ddsd1352`, `sdm120`, `sdm630` or a profile file. */
  profile: string
  baudRate?: number
  unit?: number
  /** The DDSD1352's first register. */
  startAddress?: number
  count?: number
  intervalMs?: number
  timeoutMs?: number
}

export interface ProbeMeterResult {
  reads: number
  ok: number
  crcErrors: number
  timeouts: number
  energyKWh: number | null
  voltageV: number | null
}

/** Reads the meter `count` times, printing each reading or failure; resolves with the totals. */
export async function probeMeter(
  options: ProbeMeterOptions,
  print: (line: string) => void,
): Promise<ProbeMeterResult> {
  const profile =
    options.profile === 'ddsd1352' && options.startAddress !== undefined
      ? meterProfile(ddsd1352(options.startAddress))
      : await loadMeterProfile(options.profile)
  const baudRate = options.baudRate ?? profile.baudRate
  const unit = options.unit ?? profile.unit
  print(`meter ${profile.name} on ${options.path}, ${baudRate} baud, slave ${unit}`)
  const meter = await openModbusMeter({
    path: options.path,
    profile,
    clock: createRealClock(),
    baudRate,
    unit,
    timeoutMs: options.timeoutMs ?? 500,
  })
  let last: { energyKWh: number; voltageV: number } | undefined
  try {
    const count = options.count ?? 5
    for (let index = 1; index <= count; index++) {
      try {
        const reading = await meter.read()
        last = { energyKWh: reading.energyWh / 1000, voltageV: reading.voltageV }
        print(
          `#${index} energy ${last.energyKWh.toFixed(3)} kWh, ${reading.voltageV.toFixed(1)} V, ${reading.currentA.toFixed(2)} A, ${reading.powerW.toFixed(0)} W`,
        )
      } catch (error) {
        if (!(error instanceof MeterReadError)) throw error
        print(`#${index} failed: ${error.reason} (${error.shortMessage})`)
      }
      if (index < count) await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000))
    }
  } finally {
    await meter.close()
  }
  const stats = meter.stats()
  return {
    reads: stats.reads,
    ok: stats.ok,
    crcErrors: stats.crcErrors,
    timeouts: stats.timeouts,
    energyKWh: last?.energyKWh ?? null,
    voltageV: last?.voltageV ?? null,
  }
}
