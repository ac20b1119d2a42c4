import {
  type Db,
  getChannelLedger,
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
import type { ChargerSession } from './auth.js'

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
      return request ? recordVoucher(db, request) : refuse('invalidData')
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

async function recordVoucher(db: Db, request: Request<'channelLedger.record'>) {
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
