import { createRealClock, type DigitalInput } from '@chargechain/hardware'
import type { z } from 'zod'
import { openGpio } from '../gpio/gpio.js'
import type { pileGpioSchema } from '../pile/pileConfig.js'

export interface ProbeGpioResult {
  version: string
  arrival: boolean
  gun: boolean | null
  linkStatus: boolean
  relayClicked: boolean
}

/**
 * Opens the pile's GPIO as configured, prints each input's level and then every edge for `seconds`, and clicks the
 * relay once (on for `clickMs`, then off) so the installer hears it.
 */
export async function probeGpio(
  options: {
    gpio: z.output<typeof pileGpioSchema>
    seconds?: number
    clickMs?: number
    env?: NodeJS.ProcessEnv
  },
  print: (line: string) => void,
): Promise<ProbeGpioResult> {
  const { gpio: pins } = options
  const gpio = await openGpio({
    clock: createRealClock(),
    tools: pins.tools,
    ...(options.env ? { env: options.env } : {}),
  })
  try {
    print(`libgpiod tools ${gpio.version}`)
    const watch = async (
      name: string,
      { debounceMs, ...line }: (typeof pins)['arrival'],
    ): Promise<DigitalInput> => {
      const input = await gpio.input(line, { debounceMs, name })
      print(`${name} (${line.chip} line ${line.line}): ${input.current() ? 'high' : 'low'}`)
      input.onEdge((edge) => print(`${name} → ${edge.level ? 'high' : 'low'}`))
      return input
    }
    const arrival = await watch('car arrival', pins.arrival)
    const linkStatus = await watch('HC-05 STATE', pins.linkStatus)
    let gun: DigitalInput | undefined
    if (pins.gun === 'stm32') print('gun: read from the STM32 (probe stm32)')
    else if ('line' in pins.gun) gun = await watch('gun', pins.gun.line)
    else {
      await watch('gun-in button', pins.gun.plug)
      await watch('gun-out button', pins.gun.unplug)
    }
    const relay = await gpio.output(pins.relay, { name: 'charging relay' })
    print(`relay (${pins.relay.chip} line ${pins.relay.line}): on`)
    await relay.set(true)
    await new Promise((resolve) => setTimeout(resolve, options.clickMs ?? 500))
    await relay.set(false)
    print('relay: off')
    await new Promise((resolve) => setTimeout(resolve, (options.seconds ?? 10) * 1000))
    return {
      version: gpio.version,
      arrival: arrival.current(),
      gun: gun ? gun.current() : null,
      linkStatus: linkStatus.current(),
      relayClicked: true,
    }
  } finally {
    await gpio.close()
  }
}
