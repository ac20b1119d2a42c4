import { describe, expect, it } from 'vitest'
import { HardwareClosedError } from '../errors.js'
import { type IndicatorLights, type IndicatorState, indicatorStates } from '../lights.js'

/** The behaviour every `IndicatorLights` driver must show. */
export function describeIndicatorLightsContract(name: string, factory: () => Promise<IndicatorLights>): void {
  describe(`IndicatorLights contract: ${name}`, () => {
    it('shows every state and reports the one shown', async () => {
      const lights = await factory()
      expect(lights.current()).toBe('idle')
      for (const state of indicatorStates) {
        await lights.show(state)
        expect(lights.current()).toBe(state)
      }
      await lights.close()
    })

    it('rejects an unknown state and keeps showing the last one', async () => {
      const lights = await factory()
      await lights.show('charging')
      await expect(lights.show('blinking' as IndicatorState)).rejects.toThrow(/indicator state/)
      expect(lights.current()).toBe('charging')
      await lights.close()
    })

    it('goes idle on close and rejects later calls', async () => {
      const lights = await factory()
      await lights.show('error')
      await lights.close()
      expect(lights.current()).toBe('idle')
      await expect(lights.show('charging')).rejects.toThrow(HardwareClosedError)
    })
  })
}
