import { BaseError, type BaseErrorOptions } from '@chargechain/errors'

/** The STM32 printed nothing for longer than allowed: its UART, its power or its firmware has stopped. */
export class Stm32SilentError extends BaseError {
  override readonly name = 'Stm32SilentError'
  readonly silentMs: number

  constructor(silentMs: number, options: BaseErrorOptions = {}) {
    super(
      `The STM32 lower computer sent no line for ${Math.round(silentMs / 1000)} s; check its UART wiring (9600 baud) and power.`,
      options,
    )
    this.silentMs = silentMs
  }
}
