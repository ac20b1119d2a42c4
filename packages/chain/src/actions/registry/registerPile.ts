import { type Hex, isAddressEqual, parseEventLogs } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { MissingEventError } from '../../errors/session.js'
import type { Terms } from '../../terms/terms.js'
import { dmidToBytes32 } from '../../utils/pileIdFromDmid.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type RegisterPileParameters = WriteOptions & {
  /** The management system's device id; the pile id is derived from it and the signing account. */
  dmid: string
  /** Payout, agent, tariff and credit a car opening a session here accepts (see `defineTerms`). */
  terms: Terms
}
export type RegisterPileReturnType = WriteResult & { pileId: Hex }
export type RegisterPileErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | MissingEventError

/** Registers a pile owned by the signing account; returns its id, `pileIdFromDmid(account, dmid)`. */
export async function registerPile(
  client: ChargeChainReadClient,
  { dmid, terms, ...options }: RegisterPileParameters,
): Promise<RegisterPileReturnType> {
  const registry = client.deployment.contracts.pileRegistry
  const result = await submit(client, options, {
    address: registry,
    abi: pileRegistryAbi,
    functionName: 'registerPile',
    args: [dmidToBytes32(dmid), terms],
  })
  const [registered] = parseEventLogs({
    abi: pileRegistryAbi,
    eventName: 'PileRegistered',
    logs: result.receipt.logs.filter((log) => isAddressEqual(log.address, registry)),
  })
  if (!registered) throw new MissingEventError('PileRegistered', result.hash)
  return { ...result, pileId: registered.args.pileId }
}
