import type { Clock } from '../clock.js'
import { HardwareClosedError, InvalidHardwareOptionError } from '../errors.js'
import { type IndicatorLights, type IndicatorState, indicatorStates } from '../lights.js'

export interface ShownState {
  readonly state: IndicatorState
  readonly at: number
}

/** Simulated indicator lights that remember every state shown. */
export interface SimulatedLights extends IndicatorLights {
  readonly history: readonly ShownState[]
}

export function createSimulatedLights(options: { clock: Clock }): SimulatedLights {
  const history: ShownState[] = []
  let shown: IndicatorState = 'idle'
  let closed = false
  const show = (state: IndicatorState) => {
    if (!indicatorStates.includes(state)) {
      throw new InvalidHardwareOptionError('indicator state', indicatorStates.join(' | '), state)
    }
    shown = state
    history.push({ state, at: options.clock.now() })
  }
  return {
    history,
    async show(state) {
      if (closed) throw new HardwareClosedError('indicator lights')
      show(state)
    },
    current: () => shown,
    async close() {
      if (closed) return
      show('idle')
      closed = true
    },
  }
}
