import { BaseError } from '@chargechain/errors'

export class AnvilNotFoundError extends BaseError {
  override readonly name = 'AnvilNotFoundError'
  constructor(searched: string[]) {
    super(
      'The anvil binary was not found; run `npm install` so @foundry-rs/anvil brings it for this platform.',
      {
        details: `looked in: ${searched.join(', ')}`,
      },
    )
  }
}

export class AnvilStartError extends BaseError {
  override readonly name = 'AnvilStartError'
  constructor(reason: string, output: string, cause?: unknown) {
    super(`anvil did not start: ${reason}.`, { details: output.trim().slice(-2000) || undefined, cause })
  }
}

export class AnvilAccountError extends BaseError {
  override readonly name = 'AnvilAccountError'
  constructor(index: number, accounts: number) {
    super(
      `anvil has no dev account ${index}: it was started with ${accounts}; pass accounts: ${index + 1} or more to startAnvil.`,
    )
  }
}
