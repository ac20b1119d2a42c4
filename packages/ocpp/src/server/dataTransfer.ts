import {
  type Db,
  getChannelLedger,
  getPile,
  linkChainSession,
  publishLive,
  recordChannelVoucher,
} from '@chargechain/db'
import type { z } from 'zod'
import type { OcppLogger } from '../logger.js'
import {
  type ChargechainMessageId,
  type ChargechainRefusal,
  chargechainMessages,
  type DataTransferRequest,
  type DataTransferResponse,
  encodeData,
  vendorId,
} from '../messages.js'
import { CallError } from '../rpc.js'
import type { ChargerSession } from './auth.js'

/**
 * Whether `signature` is the car `vehicle`'s EIP-712 voucher for (`channelId`, `cumulativeAmount`) under the
 * deployment's PaymentChannels domain (@chargechain/chain's `verifyChannelVoucher`, bound to the chain and contract).
 */
export type ChannelVoucherVerifier = (voucher: {
  channelId: `0x${string}`
  cumulativeAmount: bigint
  signature: `0x${string}`
  vehicle: `0x${string}`
}) => Promise<boolean>

const refuse = (error: ChargechainRefusal): DataTransferResponse => ({
  status: 'Rejected',
  data: encodeData({ error }),
})
const accept = (data: unknown): DataTransferResponse => ({ status: 'Accepted', data: encodeData(data) })

type Request<Id extends ChargechainMessageId> = z.output<(typeof chargechainMessages)[Id]['request']>

/** The server's side of ChargeChain's DataTransfer messages (see `chargechainMessages`). */
export async function answerDataTransfer(
  db: Db,
  session: ChargerSession,
  request: DataTransferRequest,
  logger: OcppLogger,
  verifyVoucher: ChannelVoucherVerifier | undefined,
): Promise<DataTransferResponse> {
  if (request.vendorId !== vendorId) return { status: 'UnknownVendorId' }
  const messageId = request.messageId ?? ''
  const parsed = <Schema extends z.ZodType>(schema: Schema): z.output<Schema> | undefined => {
    let data: unknown
    try {
      data = JSON.parse(request.data ?? '')
    } catch {
      return undefined
    }
    const result = schema.safeParse(data)
    if (result.success) return result.data
    logger.warn(
      { chargerId: session.chargerId, messageId, issues: result.error.issues },
      'invalid DataTransfer data',
    )
    return undefined
  }
  switch (messageId) {
    case 'session': {
      const request = parsed(chargechainMessages.session.request)
      return request ? linkSession(db, session, request) : refuse('invalidData')
    }
    case 'channelLedger.get': {
      const request = parsed(chargechainMessages['channelLedger.get'].request)
      return request ? ledger(db, request) : refuse('invalidData')
    }
    case 'channelLedger.record': {
      const request = parsed(chargechainMessages['channelLedger.record'].request)
      return request ? recordVoucher(db, session, request, logger, verifyVoucher) : refuse('invalidData')
    }
    default:
      return { status: 'UnknownMessageId' }
  }
}

async function linkSession(db: Db, session: ChargerSession, request: Request<'session'>) {
  return db.transaction(async (tx) => {
    const order = await linkChainSession(tx, {
      pileId: session.pileId,
      connector: request.connectorId,
      sessionId: request.sessionId,
      kind: request.kind,
      vehicle: request.vehicle ?? null,
      channelId: request.channelId ?? null,
      at: new Date(),
    })
    if (!order) return refuse('unknownSession')
    await publishLive(tx, { type: 'order', orderId: order.id, pileId: order.pileId, state: order.state })
    return accept({ orderId: order.id })
  })
}

async function ledger(db: Db, request: Request<'channelLedger.get'>) {
  const channel = await getChannelLedger(db, request.channelId)
  if (!channel) return refuse('unknownChannel')
  return accept({
    channelId: channel.channelId,
    vehicle: channel.vehicle,
    currency: channel.currency,
    deposit: channel.deposit,
    settled: channel.settled,
    cumulative: channel.voucherAmount,
    state: channel.state,
    closesAt: channel.closesAt?.toISOString() ?? null,
  })
}

/**
 * A voucher is what the settler claims on chain and what every pile of the operator reads as the car's cumulative:
 * a pile may only record one the channel's car signed, for a channel of its own operator, within the deposit.
 */
async function recordVoucher(
  db: Db,
  session: ChargerSession,
  request: Request<'channelLedger.record'>,
  logger: OcppLogger,
  verifyVoucher: ChannelVoucherVerifier | undefined,
) {
  // Without the deployment the car's signature cannot be checked, and an unchecked voucher is never recorded.
  if (!verifyVoucher) return refuse('unverifiable')
  const channel = await getChannelLedger(db, request.channelId)
  // The pile read the channel on chain before it took the car; this server's indexer has not reached it yet. A
  // refusal would make the pile drop a voucher the car really signed: a retryable error keeps it queued until then.
  if (!channel)
    throw new CallError(
      'InternalError',
      `Channel ${request.channelId} is not indexed yet; send the voucher again in a moment.`,
    )
  if (channel.state === 'closed') return refuse('closed')
  if (request.amount > channel.deposit) return refuse('aboveDeposit')
  const pile = await getPile(db, session.pileId)
  const operator = channel.operator.toLowerCase()
  if (pile?.owner?.toLowerCase() !== operator && pile?.payout?.toLowerCase() !== operator) {
    logger.warn(
      { chargerId: session.chargerId, channelId: channel.channelId },
      'voucher for another operator',
    )
    return refuse('notOperator')
  }
  const signed = await verifyVoucher({
    channelId: channel.channelId,
    cumulativeAmount: request.amount,
    signature: request.signature,
    vehicle: channel.vehicle,
  }).catch(() => false)
  if (!signed) {
    logger.warn(
      { chargerId: session.chargerId, channelId: channel.channelId },
      'voucher not signed by the car',
    )
    return refuse('badSignature')
  }
  const result = await recordChannelVoucher(db, {
    channelId: request.channelId,
    amount: request.amount,
    signature: request.signature,
    at: new Date(),
  })
  if (result.recorded) return accept({ cumulative: result.channel.voucherAmount })
  return {
    status: 'Rejected' as const,
    data: encodeData({ error: result.reason, cumulative: result.channel?.voucherAmount ?? null }),
  }
}
