import type { WatchEventReturnType } from 'viem'
import { watchEvent } from 'viem/actions'
import { toContractError } from '../actions/internal/toContractError.js'
import type { ChargeChainReadClient } from '../clients/types.js'
import { type ChargeChainEvent, decodeChargeChainLogs } from './decodeChargeChainLogs.js'

export type WatchChargeChainEventsParameters = {
  /** Called with each new batch of events, decoded and in chain order. */
  onEvents: (events: ChargeChainEvent[]) => void
  /** Called when polling fails (the watch keeps going); errors are converted to our typed errors. */
  onError?: (error: unknown) => void
  /** Replay from this block first; only new blocks by default. */
  fromBlock?: bigint
  pollingInterval?: number
}
export type WatchChargeChainEventsReturnType = WatchEventReturnType

/** Watches all three contracts; returns a function that stops watching. */
export function watchChargeChainEvents(
  client: ChargeChainReadClient,
  { onEvents, onError, fromBlock, pollingInterval }: WatchChargeChainEventsParameters,
): WatchChargeChainEventsReturnType {
  const { pileRegistry, sessionEscrow, paymentChannels } = client.deployment.contracts
  return watchEvent(client, {
    address: [pileRegistry, sessionEscrow, paymentChannels],
    fromBlock,
    pollingInterval,
    onLogs: (logs) => {
      const events = decodeChargeChainLogs(client.deployment, logs)
      if (events.length > 0) onEvents(events)
    },
    onError: (error) => onError?.(toContractError(error, 'watchEvent')),
  })
}
