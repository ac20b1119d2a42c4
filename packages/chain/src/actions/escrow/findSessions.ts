import { type Address, getAbiItem, type Hash, type Hex, parseEventLogs } from 'viem'
import { getLogs } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError } from '../../errors/contract.js'
import type { TermsNotFoundError } from '../../errors/session.js'
import { toContractError } from '../internal/toContractError.js'
import { findTerms } from '../registry/findTerms.js'
import { type Session, sessionFromEvent } from './session.js'

export type FindSessionsParameters = {
  vehicle?: Address
  pileId?: Hex
  /** Only the session opened with this salt (what a restarted car journaled before sending). */
  salt?: Hex
  /** The deployment's start block by default. */
  fromBlock?: bigint
}
export type FindSessionsReturnType = { sessionId: Hex; session: Session; openedInTransaction: Hash }[]
export type FindSessionsErrorType = ChainUnavailableError | TermsNotFoundError

/**
 * Sessions opened by a vehicle and/or at a pile, oldest first. A car that crashed while opening looks here for its
 * journaled salt before opening again, so it never pays two deposits for one visit.
 */
export async function findSessions(
  client: ChargeChainReadClient,
  { vehicle, pileId, salt, fromBlock = BigInt(client.deployment.startBlock) }: FindSessionsParameters,
): Promise<FindSessionsReturnType> {
  let logs: Awaited<ReturnType<typeof getLogs>>
  try {
    logs = await getLogs(client, {
      address: client.deployment.contracts.sessionEscrow,
      event: getAbiItem({ abi: sessionEscrowAbi, name: 'SessionOpened' }),
      args: { vehicle, pileId },
      fromBlock,
    })
  } catch (error) {
    throw toContractError(error, 'findSessions')
  }
  const opened = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs }).filter(
    (log) => salt === undefined || log.args.salt.toLowerCase() === salt.toLowerCase(),
  )
  const sessions: FindSessionsReturnType = []
  for (const log of opened) {
    const { pileId, termsHash } = log.args
    const terms = await findTerms(client, { pileId, termsHash, transactionHash: log.transactionHash })
    sessions.push({ ...sessionFromEvent(log.args, terms), openedInTransaction: log.transactionHash })
  }
  return sessions
}
