import {
  type Address,
  getAbiItem,
  type Hash,
  type Hex,
  isAddressEqual,
  parseEventLogs,
  zeroAddress,
} from 'viem'
import { getLogs, getTransactionReceipt } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import { SessionNotFoundError, type TermsNotFoundError } from '../../errors/session.js'
import { read } from '../internal/read.js'
import { toContractError } from '../internal/toContractError.js'
import { findTerms } from '../registry/findTerms.js'
import { type Session, sessionFromEvent } from './session.js'

export type GetSessionParameters = {
  sessionId: Hex
  /**
   * The opening transaction, as the car sends it over the link: one receipt lookup instead of a log search.
   * Without it, SessionOpened events are searched from the deployment's start block, narrowed by `pileId`/`vehicle`.
   */
  transactionHash?: Hash
  pileId?: Hex
  vehicle?: Address
}

export type SessionState =
  | { status: 'open' }
  | { status: 'refundRequested'; refundableAt: number }
  | {
      status: 'settled'
      energyWh: bigint
      chargingSeconds: number
      idleSeconds: number
      amount: bigint
      refund: bigint
      transactionHash: Hash
    }
  | { status: 'refunded'; amount: bigint; transactionHash: Hash }

export type GetSessionReturnType = {
  sessionId: Hex
  session: Session
  state: SessionState
  /** While open: the key the pile's owner moved the session to (`reassignSessions`); it alone may settle now. */
  reassignedAgent: Address | undefined
  openedInBlock: bigint
  openedInTransaction: Hash
}
export type GetSessionErrorType =
  | SessionNotFoundError
  | TermsNotFoundError
  | ContractRevertedError
  | ChainUnavailableError

/**
 * Rebuilds a session from its SessionOpened event and the terms it bound (the escrow stores only its hash, the event
 * only the terms' hash) and reads where it stands.
 */
export async function getSession(
  client: ChargeChainReadClient,
  parameters: GetSessionParameters,
): Promise<GetSessionReturnType> {
  const { sessionId } = parameters
  const escrow = client.deployment.contracts.sessionEscrow
  const opened = await findOpened(client, parameters)
  const [[status, refundableAt, reassigned], terms] = await Promise.all([
    read(client, {
      address: escrow,
      abi: sessionEscrowAbi,
      functionName: 'getSessionStatus',
      args: [sessionId],
    }),
    findTerms(client, {
      pileId: opened.args.pileId,
      termsHash: opened.args.termsHash,
      transactionHash: opened.transactionHash,
    }),
  ])
  const base = {
    ...sessionFromEvent(opened.args, terms),
    reassignedAgent: reassigned === zeroAddress ? undefined : reassigned,
    openedInBlock: opened.blockNumber,
    openedInTransaction: opened.transactionHash,
  }
  if (status === 1) return { ...base, state: { status: 'open' } }
  if (status === 2)
    return { ...base, state: { status: 'refundRequested', refundableAt: Number(refundableAt) } }
  return { ...base, state: await findEnding(client, sessionId, opened.blockNumber) }
}

async function findOpened(
  client: ChargeChainReadClient,
  { sessionId, transactionHash, pileId, vehicle }: GetSessionParameters,
) {
  const escrow = client.deployment.contracts.sessionEscrow
  try {
    const logs = transactionHash
      ? (await getTransactionReceipt(client, { hash: transactionHash })).logs.filter((log) =>
          isAddressEqual(log.address, escrow),
        )
      : await getLogs(client, {
          address: escrow,
          event: sessionOpenedEvent,
          args: { pileId, vehicle },
          fromBlock: BigInt(client.deployment.startBlock),
        })
    const match = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs }).find(
      (log) => log.args.sessionId === sessionId,
    )
    if (match) return match
  } catch (error) {
    const converted = toContractError(error, 'getSession')
    // A hash the node does not know is just "not found".
    if (!(transactionHash && converted === error)) throw converted
  }
  throw new SessionNotFoundError(
    sessionId,
    transactionHash ? `in transaction ${transactionHash}` : 'on chain',
  )
}

async function findEnding(
  client: ChargeChainReadClient,
  sessionId: Hex,
  fromBlock: bigint,
): Promise<SessionState> {
  const address = client.deployment.contracts.sessionEscrow
  const [settled, refunded] = await Promise.all([
    getLogs(client, {
      address,
      event: sessionSettledEvent,
      args: { sessionId },
      fromBlock,
      strict: true,
    }),
    getLogs(client, {
      address,
      event: sessionRefundedEvent,
      args: { sessionId },
      fromBlock,
      strict: true,
    }),
  ]).catch((error) => {
    throw toContractError(error, 'getSession')
  })
  const [settle] = settled
  if (settle) {
    const { energyWh, chargingSeconds, idleSeconds, amount, refund } = settle.args
    return {
      status: 'settled',
      energyWh,
      chargingSeconds,
      idleSeconds,
      amount,
      refund,
      transactionHash: settle.transactionHash,
    }
  }
  const [refund] = refunded
  if (refund)
    return { status: 'refunded', amount: refund.args.amount, transactionHash: refund.transactionHash }
  throw new SessionNotFoundError(sessionId, 'as settled or refunded, although it is no longer open')
}

const sessionOpenedEvent = getAbiItem({ abi: sessionEscrowAbi, name: 'SessionOpened' })
const sessionSettledEvent = getAbiItem({ abi: sessionEscrowAbi, name: 'SessionSettled' })
const sessionRefundedEvent = getAbiItem({ abi: sessionEscrowAbi, name: 'SessionRefunded' })
