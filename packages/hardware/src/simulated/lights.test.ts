import { expect, it } from 'vitest'
import { describeIndicatorLightsContract } from '../testing/lightsContract.js'
import { createSimulatedClock } from './clock.js'
import { createSimulatedLights } from './lights.js'

describeIndicatorLightsContract('simulated lights', async () =>
  createSimulatedLights({ clock: createSimulatedClock() }),
)

it('remembers every state shown, with its time', async () => {
  const clock = createSimulatedClock({ start: 0 })
  const lights = createSimulatedLights({ clock })
  await lights.show('authenticating')
  await clock.advance(5_000)
  await lights.show('charging')
  await lights.close()
  expect(lights.history).toEqual([
    { state: 'authenticating', at: 0 },
    { state: 'charging', at: 5_000 },
    { state: 'idle', at: 5_000 },
  ])
})
