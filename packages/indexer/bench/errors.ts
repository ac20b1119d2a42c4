import { BaseError } from '@chargechain/errors'

/** The benchmark could not build or load its dev chain: what anvil refused, or what came out other than planned. */
export class BenchSetupError extends BaseError {
  override readonly name = 'BenchSetupError'
}
