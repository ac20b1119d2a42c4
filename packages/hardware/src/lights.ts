export const indicatorStates = ['idle', 'authenticating', 'charging', 'paying', 'error'] as const
export type IndicatorState = (typeof indicatorStates)[number]

/**
 * The car's indicator lights. `show()` resolves once the lights display the state; `current()` is the state last shown.
 * `close()` shows `idle` before releasing the lights; calls after it reject with `HardwareClosedError`.
 */
export interface IndicatorLights {
  show(state: IndicatorState): Promise<void>
  current(): IndicatorState
  close(): Promise<void>
}
