import { type Address, isAddressEqual, type Log, type ParseEventLogsReturnType, parseEventLogs } from 'viem'
import { paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi } from '../contracts/abis.js'
import type { Deployment } from '../deploy/deployment.js'

type Decoded<
  abi extends typeof pileRegistryAbi | typeof sessionEscrowAbi | typeof paymentChannelsAbi,
  contract,
> = ParseEventLogsReturnType<abi, undefined, true>[number] & { contract: contract }

/**
 * One decoded ChargeChain event: switch on `contract` and `eventName`, and `args` is typed from the generated ABI.
 * Block number, log index and transaction hash come with it, which is what the indexer keys its rows by.
 */
export type ChargeChainEvent =
  | Decoded<typeof pileRegistryAbi, 'pileRegistry'>
  | Decoded<typeof sessionEscrowAbi, 'sessionEscrow'>
  | Decoded<typeof paymentChannelsAbi, 'paymentChannels'>

/**
 * Decodes raw logs into typed ChargeChain events, in their order. Logs of other contracts, and logs at our
 * addresses that match no event (none should), are skipped: an address alone decides which ABI applies, so a
 * look-alike event from another contract can never pass as ours.
 */
export function decodeChargeChainLogs(deployment: Deployment, logs: readonly Log[]): ChargeChainEvent[] {
  const { pileRegistry, sessionEscrow, paymentChannels } = deployment.contracts
  const at = (address: Address) => logs.filter((log) => isAddressEqual(log.address, address))
  const decoded: ChargeChainEvent[] = [
    ...parseEventLogs({ abi: pileRegistryAbi, logs: at(pileRegistry), strict: true }).map((log) => ({
      ...log,
      contract: 'pileRegistry' as const,
    })),
    ...parseEventLogs({ abi: sessionEscrowAbi, logs: at(sessionEscrow), strict: true }).map((log) => ({
      ...log,
      contract: 'sessionEscrow' as const,
    })),
    ...parseEventLogs({ abi: paymentChannelsAbi, logs: at(paymentChannels), strict: true }).map((log) => ({
      ...log,
      contract: 'paymentChannels' as const,
    })),
  ]
  return decoded.sort((a, b) =>
    a.blockNumber === b.blockNumber
      ? (a.logIndex ?? 0) - (b.logIndex ?? 0)
      : a.blockNumber < b.blockNumber
        ? -1
        : 1,
  )
}
