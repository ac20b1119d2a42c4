import { createRealClock } from '@chargechain/hardware'
import { openStm32 } from '../stm32/stm32.js'

export interface ProbeStm32Result {
  lines: number
  garbled: number
  energyKWh: number | null
  voltageV: number | null
  plugged: boolean | null
}

/** Listens to the STM32 for `seconds`, printing each event it sends; resolves with the counts and last values. */
export async function probeStm32(
  options: { path: string; seconds?: number; baudRate?: number },
  print: (line: string) => void,
): Promise<ProbeStm32Result> {
  print(`STM32 on ${options.path}, ${options.baudRate ?? 9_600} baud, listening ${options.seconds ?? 10} s`)
  const stm32 = await openStm32({
    path: options.path,
    baudRate: options.baudRate ?? 9_600,
    clock: createRealClock(),
  })
  stm32.onEvent((event) => {
    if (event.type === 'energy') print(`energy ${event.kWh} kWh`)
    else if (event.type === 'voltage') print(`voltage ${event.volts} V`)
    else if (event.type === 'gun') print(event.plugged ? 'gun plugged in' : 'gun not plugged in')
    else print(`garbled line skipped: ${JSON.stringify(event.text)}`)
  })
  await new Promise((resolve) => setTimeout(resolve, (options.seconds ?? 10) * 1000))
  const stats = stm32.stats()
  await stm32.close()
  return {
    lines: stats.lines,
    garbled: stats.garbled,
    energyKWh: stats.energyKWh ?? null,
    voltageV: stats.voltageV ?? null,
    plugged: stats.plugged ?? null,
  }
}
