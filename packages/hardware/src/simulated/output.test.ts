import { describe, expect, it } from 'vitest'
import { describePowerSwitchContract, describeRelayContract } from '../testing/outputContract.js'
import { createSimulatedClock } from './clock.js'
import { createSimulatedOutput } from './output.js'

const harness = async () => {
  const output = createSimulatedOutput({ clock: createSimulatedClock() })
  return { output, observe: () => output.physical() }
}

describeRelayContract('simulated relay', harness)
describePowerSwitchContract('simulated HC-05 power switch', harness)

describe('createSimulatedOutput', () => {
  it('records each physical change with its time and tells the world before it happens', async () => {
    const clock = createSimulatedClock({ start: 0 })
    const seen: boolean[] = []
    const relay = createSimulatedOutput({ clock, onBeforeChange: (on) => seen.push(on) })
    await relay.set(true)
    await clock.advance(1_000)
    await relay.set(true)
    await relay.set(false)
    expect(relay.history).toEqual([
      { on: true, at: 0 },
      { on: false, at: 1_000 },
    ])
    expect(seen).toEqual([true, false])
  })

  it('reads back a welded contactor as on, even after being told off or closed', async () => {
    const relay = createSimulatedOutput({ clock: createSimulatedClock() })
    relay.weld()
    await relay.set(false)
    expect(await relay.isOn()).toBe(true)
    await relay.close()
    expect(relay.physical()).toBe(true)
  })
})
