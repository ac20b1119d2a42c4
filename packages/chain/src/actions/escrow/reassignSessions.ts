import { type Address, type Hex, isAddressEqual, parseEventLogs } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import type { Session } from './session.js'

export type ReassignSessionsParameters = WriteOptions & {
  /** Open sessions at piles the signing account owns now. */
  sessions: readonly Session[]
  /** The only key that may settle or claim them from now on. */
  agent: Address
}
export type ReassignSessionsReturnType = WriteResult & {
  /** The sessions moved; sessions no longer open are skipped. */
  reassigned: Hex[]
}
export type ReassignSessionsErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError

/**
 * The pile's owner revokes the key of sessions already open (after `setAgent` or `transferPile`, e.g. when the Pi
 * was stolen): afterwards neither the old agent nor the session's payout may settle them, only `agent`.
 */
export async function reassignSessions(
  client: ChargeChainReadClient,
  { sessions, agent, ...options }: ReassignSessionsParameters,
): Promise<ReassignSessionsReturnType> {
  const escrow = client.deployment.contracts.sessionEscrow
  const result = await submit(client, options, {
    address: escrow,
    abi: sessionEscrowAbi,
    functionName: 'reassignSessions',
    args: [sessions, agent],
  })
  const reassigned = parseEventLogs({
    abi: sessionEscrowAbi,
    eventName: 'SessionAgentChanged',
    logs: result.receipt.logs.filter((log) => isAddressEqual(log.address, escrow)),
  }).map((log) => log.args.sessionId)
  return { ...result, reassigned }
}
