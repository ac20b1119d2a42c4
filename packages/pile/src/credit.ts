import type { PileConfig } from './config.js'
import type { Offer } from './session.js'

/**
 * Energy the pile delivers ahead of the car's vouchers: its own setting, but never more than the credit in the terms
 * the car bound, which is all a claim could recover.
 */
export function creditWhOf(config: PileConfig, offer: Offer): number {
  return Math.min(config.payment.creditWh, offer.creditWh)
}
