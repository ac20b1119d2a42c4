// The GPIO driver against fake libgpiod tools (node scripts that take the v2 tools' arguments and print their output,
// over a fake chip kept in files). Breaks that fail it: `checkGpioTools` accepting major 1 (the v1 test passes no
// error), the guard's `offAtEnd` not sent (the kill -9 test finds the relay still on), or the holder-exit handler in
// output.ts not driving off (the dead-tool test finds the line high).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createRealClock } from '@chargechain/hardware'
import {
  describeDigitalInputContract,
  describeIndicatorLightsContract,
  describePowerSwitchContract,
  describeRelayContract,
} from '@chargechain/hardware/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeGpioChip, type FakeGpioChip } from '../testing/fakeGpio.js'
import { GpioLineLostError, GpioToolError, GpioToolMissingError, GpioToolVersionError } from './errors.js'
import { type Gpio, openGpio } from './gpio.js'
import { openGpioLights } from './lights.js'

const clock = createRealClock()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const waitFor = async (condition: () => Promise<boolean>, timeoutMs = 5_000) => {
  const until = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await sleep(10)
  }
}

async function rig(onLost?: (error: GpioLineLostError) => void) {
  const chip = await createFakeGpioChip()
  const gpio = await openGpio({
    clock,
    tools: { dir: chip.toolsDir },
    env: { ...process.env, ...chip.env },
    ...(onLost ? { onLost } : {}),
  })
  const close = async () => {
    await gpio.close()
    await chip.close()
  }
  return { chip, gpio, close }
}

describeRelayContract('libgpiod v2 relay (BCM 22), fake tools', async () => {
  const { chip, gpio, close } = await rig()
  const output = await gpio.output({ line: 22 }, { name: 'relay' })
  return { output, observe: () => chip.level(22), close }
})

describePowerSwitchContract('libgpiod v2 HC-05 EN (BCM 4, active-low), fake tools', async () => {
  const { chip, gpio, close } = await rig()
  // Written before opening: an active-low line at rest is high.
  const output = await gpio.output({ line: 4, activeLow: true }, { name: 'HC-05 power' })
  return { output, observe: async () => !(await chip.level(4)), close }
})

describeDigitalInputContract('libgpiod v2 input (gun in, BCM 27), fake tools', async () => {
  const { chip, gpio, close } = await rig()
  const input = await gpio.input({ chip: 0, line: 27 }, { debounceMs: 250, name: 'gun-in button' })
  return {
    input,
    drive: (level) => chip.drive(27, level),
    pass: (ms) => sleep(ms),
    now: clock.now,
    close,
  }
})

describe('GPIO through the libgpiod tools', () => {
  let current: { chip: FakeGpioChip; gpio: Gpio; close(): Promise<void> } | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it('refuses libgpiod v1 tools, saying what to install', async () => {
    const chip = await createFakeGpioChip()
    const error = await openGpio({
      clock,
      tools: { dir: chip.v1ToolsDir },
      env: { ...process.env, ...chip.env },
    }).catch((caught: unknown) => caught)
    await chip.close()
    expect(error).toBeInstanceOf(GpioToolVersionError)
    expect((error as Error).message).toMatch(
      /gpioset is libgpiod v1\.6\.3, but ChargeChain needs the v2 tools/,
    )
    expect((error as Error).message).toMatch(/apt-get install gpiod/)
  })

  it('says which tool is missing', async () => {
    const error = await openGpio({ clock, tools: { dir: '/nonexistent' } }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GpioToolMissingError)
    expect((error as Error).message).toMatch(
      /^\/nonexistent\/gpioset was not found; install the libgpiod v2 tools/,
    )
  })

  it('finds a line by name, reads active-low inputs inverted, and refuses a line that is in use', async () => {
    current = await rig()
    const { chip, gpio } = current
    await chip.drive(2, false) // a car-arrival sensor that pulls the line low
    const arrival = await gpio.input({ line: 'GPIO2', activeLow: true }, { debounceMs: 20, name: 'arrival' })
    expect(arrival.current()).toBe(true)
    const edges: boolean[] = []
    arrival.onEdge((edge) => edges.push(edge.level))
    await chip.drive(2, true)
    await waitFor(async () => edges.length === 1)
    expect(edges).toEqual([false])
    const error = await gpio.input({ line: 2 }, { name: 'again' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GpioToolError)
    expect((error as Error).message).toMatch(/Device or resource busy/)
  })

  it('drives the relay off and reports the line lost when its gpioset dies', async () => {
    const lost: GpioLineLostError[] = []
    current = await rig((error) => lost.push(error))
    const { chip, gpio } = current
    const relay = await gpio.output({ line: 22 }, { name: 'relay' })
    await relay.set(true)
    expect(await chip.level(22)).toBe(true)
    const holder = await chip.holder(22)
    expect(holder).toBeGreaterThan(0)
    process.kill(holder ?? 0, 'SIGKILL')
    await waitFor(async () => lost.length === 1)
    expect(await chip.level(22)).toBe(false)
    await expect(relay.set(true)).rejects.toThrow(GpioLineLostError)
    expect(lost[0]?.message).toMatch(
      /gpioset holding the relay \(gpiochip0 line 22\) ended; the line was driven off/,
    )
  })

  it('leaves the relay off when the process that switched it on is killed with SIGKILL', async () => {
    const chip = await createFakeGpioChip()
    const script = fileURLToPath(new URL('./fixtures/relayOn.ts', import.meta.url))
    const agent = spawn(process.execPath, ['--import', 'tsx', script, chip.toolsDir, '22'], {
      env: { ...process.env, ...chip.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve) =>
      agent.stdout.on('data', (data: Buffer) => data.includes('relay on') && resolve()),
    )
    expect(await chip.level(22)).toBe(true)
    agent.kill('SIGKILL')
    await waitFor(async () => !(await chip.level(22)) && (await chip.holder(22)) === undefined)
    // Nothing switches it back on afterwards.
    await sleep(300)
    expect(await chip.level(22)).toBe(false)
    await chip.close()
  })
})

describeIndicatorLightsContract('car lamps on GPIO, fake tools', async () => {
  const { gpio, close } = await rig()
  const lights = await openGpioLights(gpio, {
    lines: { red: { line: 5 }, yellow: { line: 6 }, green: { line: 13 } },
  })
  const closeLights = lights.close.bind(lights)
  return Object.assign(lights, {
    async close() {
      await closeLights()
      await close()
    },
  })
})
