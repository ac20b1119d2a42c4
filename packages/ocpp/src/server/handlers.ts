import {
  authorizeIdTag,
  type Db,
  type IdTagInfo as DbIdTagInfo,
  findOrderCharger,
  type MeterValueInput,
  publishLive,
  type RecordedReading,
  recordBoot,
  setConnectorStatus,
  startOcppTransaction,
  stopOcppTransaction,
} from '@chargechain/db'
import type { OcppLogger } from '../logger.js'
import type {
  ChargePointErrorCode,
  ChargePointStatus,
  DataTransferRequest,
  IdTagInfo,
  MeterValue,
  StopReason,
} from '../messages.js'
import { type CallHandler, checked } from '../rpc.js'
import type { ChargerSession } from './auth.js'
import type { Batcher } from './batcher.js'
import { answerDataTransfer, type ChannelVoucherVerifier } from './dataTransfer.js'
import { connectorOf, energyOf, readingsOf, timeOf } from './readings.js'
import { connectorStatusOf } from './status.js'

export interface HandlerContext {
  db: Db
  session: ChargerSession
  heartbeatIntervalSeconds: number
  readings: Batcher<MeterValueInput, RecordedReading>
  heartbeats: Batcher<{ pileId: number; at: Date }, void>
  logger: OcppLogger
  verifyVoucher: ChannelVoucherVerifier | undefined
}

function wireIdTagInfo(info: DbIdTagInfo): IdTagInfo {
  return {
    status: info.status,
    ...(info.expiryDate ? { expiryDate: info.expiryDate.toISOString() } : {}),
    ...(info.parentIdTag ? { parentIdTag: info.parentIdTag } : {}),
  }
}

/**
 * What the server answers each OCPP 1.6 call from a charger with. Payloads arrive checked against the 1.6 schemas;
 * ranges the schemas leave open are checked here (a PropertyConstraintViolation, nothing written). Every write
 * publishes its live events in its own transaction.
 */
export function chargerHandlers(context: HandlerContext): Record<string, CallHandler> {
  const { db, session, logger } = context
  const { pileId, chargerId } = session
  const handlers = {
    BootNotification: checked(
      async (request: { chargePointVendor: string; chargePointModel: string; firmwareVersion?: string }) => {
        await recordBoot(db, pileId, {
          vendor: request.chargePointVendor,
          model: request.chargePointModel,
          ...(request.firmwareVersion === undefined ? {} : { firmwareVersion: request.firmwareVersion }),
        })
        logger.info({ chargerId, vendor: request.chargePointVendor, model: request.chargePointModel }, 'boot')
        return {
          status: 'Accepted',
          currentTime: new Date().toISOString(),
          interval: context.heartbeatIntervalSeconds,
        }
      },
    ),

    Heartbeat: checked(async () => {
      const at = new Date()
      await context.heartbeats.add([{ pileId, at }])
      return { currentTime: at.toISOString() }
    }),

    StatusNotification: checked(
      async (request: {
        connectorId: number
        errorCode: ChargePointErrorCode
        status: ChargePointStatus
        timestamp?: string
        info?: string
      }) => {
        const connector = connectorOf(request.connectorId, true)
        const at = timeOf(request.timestamp, new Date())
        await db.transaction(async (tx) => {
          const row = await setConnectorStatus(tx, {
            pileId,
            connector,
            status: connectorStatusOf[request.status],
            errorCode: request.errorCode === 'NoError' ? null : request.errorCode,
            at,
          })
          await publishLive(tx, {
            type: 'connector',
            pileId,
            connector,
            status: row.status,
            orderId: row.orderId,
            at: at.toISOString(),
          })
        })
        return {}
      },
    ),

    MeterValues: checked(
      async (request: { connectorId: number; transactionId?: number; meterValue: MeterValue[] }) => {
        const connector = connectorOf(request.connectorId, true)
        await context.readings.add(
          readingsOf(pileId, connector, request.transactionId ?? null, request.meterValue, new Date()),
        )
        return {}
      },
    ),

    Authorize: checked(async (request: { idTag: string }) => {
      return { idTagInfo: wireIdTagInfo(await authorizeIdTag(db, request.idTag, new Date())) }
    }),

    StartTransaction: checked(
      async (request: { connectorId: number; idTag: string; meterStart: number; timestamp: string }) => {
        const parameters = {
          pileId,
          connector: connectorOf(request.connectorId, false),
          idTag: request.idTag,
          meterStartWh: energyOf(request.meterStart, 'meterStart'),
          at: timeOf(request.timestamp, new Date()),
        }
        const { order, linked } = await db.transaction(async (tx) => {
          const started = await startOcppTransaction(tx, parameters)
          await publishLive(tx, {
            type: 'order',
            orderId: started.order.id,
            pileId,
            state: started.order.state,
          })
          return started
        })
        // A chain session was paid for on chain: the pile's own tag needs no card list.
        const idTagInfo = linked
          ? { status: 'Accepted' as const }
          : wireIdTagInfo(await authorizeIdTag(db, request.idTag, new Date()))
        logger.info({ chargerId, orderId: order.id, linked }, 'transaction started')
        return { transactionId: order.id, idTagInfo }
      },
    ),

    StopTransaction: checked(
      async (request: {
        transactionId: number
        meterStop: number
        timestamp: string
        idTag?: string
        reason?: StopReason
        transactionData?: MeterValue[]
      }) => {
        const meterStopWh = energyOf(request.meterStop, 'meterStop')
        const at = timeOf(request.timestamp, new Date())
        // The transaction's readings first: the stop falls back on the last counted one.
        if (request.transactionData) {
          const connector = await connectorOfOrder(request.transactionId)
          await context.readings.add(
            readingsOf(pileId, connector, request.transactionId, request.transactionData, new Date()),
          )
        }
        const order = await db.transaction(async (tx) => {
          const stopped = await stopOcppTransaction(tx, {
            pileId,
            orderId: request.transactionId,
            meterStopWh,
            at,
            reason: request.reason ?? null,
          })
          if (stopped)
            await publishLive(tx, { type: 'order', orderId: stopped.id, pileId, state: stopped.state })
          return stopped
        })
        if (!order)
          logger.warn({ chargerId, transactionId: request.transactionId }, 'stop of an unknown transaction')
        // The charger must not send it again: an unknown transaction is answered too, and only logged.
        return request.idTag === undefined
          ? {}
          : { idTagInfo: wireIdTagInfo(await authorizeIdTag(db, request.idTag, new Date())) }
      },
    ),

    DataTransfer: checked(async (request: DataTransferRequest) => {
      return answerDataTransfer(db, session, request, logger, context.verifyVoucher)
    }),

    DiagnosticsStatusNotification: checked(async (request: { status: string }) => {
      logger.info({ chargerId, status: request.status }, 'diagnostics status')
      return {}
    }),

    FirmwareStatusNotification: checked(async (request: { status: string }) => {
      logger.info({ chargerId, status: request.status }, 'firmware status')
      return {}
    }),
  }

  async function connectorOfOrder(orderId: number): Promise<number> {
    const found = await findOrderCharger(db, orderId)
    return found?.pileId === pileId ? (found.connector ?? 1) : 1
  }

  return handlers
}
