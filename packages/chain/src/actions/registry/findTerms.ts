import { decodeFunctionData, getAbiItem, type Hash, type Hex, isAddressEqual, parseEventLogs } from 'viem'
import { getLogs, getTransaction } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi, sessionEscrowAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError } from '../../errors/contract.js'
import { TermsNotFoundError } from '../../errors/session.js'
import { hashTerms, type Terms } from '../../terms/terms.js'
import { toContractError } from '../internal/toContractError.js'

// A hash names one set of terms forever, so what was found once never needs looking up again.
const found = new WeakMap<ChargeChainReadClient, Map<Hex, Terms>>()

export type FindTermsErrorType = TermsNotFoundError | ChainUnavailableError

/**
 * The terms behind `termsHash` of a session at `pileId`. Tries the opening transaction's calldata when its hash is
 * known (one lookup), else the registry's `PileTermsChanged` events of the pile, which carry every terms the pile
 * ever had with their hash.
 */
export async function findTerms(
  client: ChargeChainReadClient,
  { pileId, termsHash, transactionHash }: { pileId: Hex; termsHash: Hex; transactionHash?: Hash },
): Promise<Terms> {
  const cache = found.get(client) ?? new Map<Hex, Terms>()
  found.set(client, cache)
  const known = cache.get(termsHash)
  if (known) return known
  const terms =
    (transactionHash && (await fromOpening(client, transactionHash, termsHash))) ||
    (await fromRegistry(client, pileId, termsHash))
  if (!terms) throw new TermsNotFoundError(pileId, termsHash)
  cache.set(termsHash, terms)
  return terms
}

async function fromOpening(
  client: ChargeChainReadClient,
  hash: Hash,
  termsHash: Hex,
): Promise<Terms | undefined> {
  try {
    const transaction = await getTransaction(client, { hash })
    if (!transaction.to || !isAddressEqual(transaction.to, client.deployment.contracts.sessionEscrow)) return
    const { functionName, args } = decodeFunctionData({ abi: sessionEscrowAbi, data: transaction.input })
    if (
      functionName !== 'openSession' &&
      functionName !== 'openSessionWithPermit' &&
      functionName !== 'openSessionFromBalance'
    )
      return
    const [, terms] = args
    return hashTerms(terms) === termsHash ? terms : undefined
  } catch {
    // Not decodable (a contract wallet's call, an unknown node): the registry's events still have the terms.
    return undefined
  }
}

async function fromRegistry(
  client: ChargeChainReadClient,
  pileId: Hex,
  termsHash: Hex,
): Promise<Terms | undefined> {
  try {
    const logs = await getLogs(client, {
      address: client.deployment.contracts.pileRegistry,
      event: getAbiItem({ abi: pileRegistryAbi, name: 'PileTermsChanged' }),
      args: { pileId },
      fromBlock: BigInt(client.deployment.startBlock),
    })
    const changes = parseEventLogs({ abi: pileRegistryAbi, eventName: 'PileTermsChanged', logs })
    return changes.find((log) => log.args.termsHash === termsHash)?.args.terms
  } catch (error) {
    throw toContractError(error, 'findTerms')
  }
}
