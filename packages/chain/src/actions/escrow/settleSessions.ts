import { type Hex, isAddressEqual, parseEventLogs, toFunctionSelector } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { type ChargeChainErrorName, chargeChainErrorAbi, sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import type { InvalidSignatureError } from '../../errors/eip712.js'
import { hashTerms } from '../../terms/terms.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { voucherSignature } from '../internal/voucherSignature.js'
import type { Session } from './session.js'
import type { SettleVoucher } from './settleSession.js'

export type SettleSessionsParameters = WriteOptions & {
  settlements: readonly (SettleVoucher & { session: Session })[]
}
export type SettleSessionsReturnType = WriteResult & {
  /** For each settlement, in the order given, whether it settled. */
  settled: boolean[]
  /** The settlements the escrow skipped, with the error a single `settleSession` would have raised. */
  skipped: { sessionId: Hex; reason: Hex; error: ChargeChainErrorName | undefined }[]
}
export type SettleSessionsErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | InvalidSignatureError

const errorBySelector = new Map(
  chargeChainErrorAbi.map((item) => [toFunctionSelector(formatAbiItem(item)), item.name] as const),
)

/**
 * Settles many sessions in one transaction (an operator's end-of-day batch). Sessions are sent grouped by pile and
 * terms, so each group's terms travel once. A settlement the escrow refuses (already settled, past its refund
 * deadline, not the caller's, a bad voucher) is skipped and reported; the others settle.
 */
export async function settleSessions(
  client: ChargeChainReadClient,
  { settlements, ...options }: SettleSessionsParameters,
): Promise<SettleSessionsReturnType> {
  const groups = new Map<
    string,
    { pileId: Hex; terms: Session['terms']; entries: Entry[]; indices: number[] }
  >()
  settlements.forEach(
    ({ session, energyWh, chargingSeconds = 0, idleSeconds = 0, amount, signature }, index) => {
      const key = `${session.pileId}:${hashTerms(session.terms)}`
      const group = groups.get(key) ?? {
        pileId: session.pileId,
        terms: session.terms,
        entries: [],
        indices: [],
      }
      groups.set(key, group)
      const { vehicle, deposit, openedAt, salt } = session
      const { r, vs } = voucherSignature(amount, signature)
      group.entries.push({
        vehicle,
        deposit,
        openedAt,
        salt,
        energyWh,
        chargingSeconds,
        idleSeconds,
        amount,
        r,
        vs,
      })
      group.indices.push(index)
    },
  )
  const escrow = client.deployment.contracts.sessionEscrow
  const result = await submit(client, options, {
    address: escrow,
    abi: sessionEscrowAbi,
    functionName: 'settleSessions',
    args: [[...groups.values()].map(({ pileId, terms, entries }) => ({ pileId, terms, entries }))],
  })
  // The escrow emits one SessionSettled or SettlementSkipped per entry, in the order it was sent.
  const outcomes = parseEventLogs({
    abi: sessionEscrowAbi,
    logs: result.receipt.logs.filter((log) => isAddressEqual(log.address, escrow)),
  }).filter((log) => log.eventName === 'SessionSettled' || log.eventName === 'SettlementSkipped')
  const order = [...groups.values()].flatMap(({ indices }) => indices)
  const settled = settlements.map(() => false)
  const skipped: SettleSessionsReturnType['skipped'] = []
  outcomes.forEach((log, n) => {
    const index = order[n]
    if (index === undefined) return
    if (log.eventName === 'SessionSettled') settled[index] = true
    else if (log.eventName === 'SettlementSkipped') {
      const { sessionId, reason } = log.args
      skipped.push({ sessionId, reason, error: errorBySelector.get(reason) })
    }
  })
  return { ...result, settled, skipped }
}

type Entry = {
  vehicle: Session['vehicle']
  deposit: bigint
  openedAt: number
  salt: Hex
  energyWh: bigint
  chargingSeconds: number
  idleSeconds: number
  amount: bigint
  r: Hex
  vs: Hex
}
