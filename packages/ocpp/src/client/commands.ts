import {
  chargechainMessages,
  type DataTransferRequest,
  type DataTransferResponse,
  encodeData,
  vendorId,
} from '../messages.js'
import { type CallHandler, checked } from '../rpc.js'

/** A transaction a command names: the server's id, and this client's reference for it when it started it. */
export interface CommandTransaction {
  transactionId: number
  /** Undefined for a transaction this client does not know (started before a lost queue, or not its own). */
  ref: string | undefined
}

type Answer<T> = T | Promise<T>

/**
 * What the pile agent does when the server asks. Each is optional: a command without a handler is refused
 * (Rejected, or NotSupported where OCPP has it). Handlers answer quickly; the work itself (opening the relay) may
 * follow.
 */
export interface OcppClientHandlers {
  /** RemoteStopTransaction: stop it; true if it will. */
  stop?(transaction: CommandTransaction): Answer<boolean>
  /** ChargeChain `stopAt`: stop it once it delivered `energyWh`; true if it will. */
  stopAt?(transaction: CommandTransaction, energyWh: number): Answer<boolean>
  /** RemoteStartTransaction: start charging for `idTag`; true if it will. */
  remoteStart?(request: { connectorId?: number; idTag: string }): Answer<boolean>
  /** ChangeAvailability (connector 0: the whole pile). */
  availability?(
    connectorId: number,
    type: 'Operative' | 'Inoperative',
  ): Answer<'Accepted' | 'Rejected' | 'Scheduled'>
  /** Reset: true if it will restart. */
  reset?(type: 'Soft' | 'Hard'): Answer<boolean>
  /** UnlockConnector: true once unlocked. */
  unlock?(connectorId: number): Answer<boolean>
  /** TriggerMessage MeterValues: send current readings now (through `meterValues`). */
  triggerMeterValues?(connectorId: number | undefined): void
  /** Configuration keys beyond HeartbeatInterval and NumberOfConnectors, which the client keeps. */
  configuration?: {
    get(): { key: string; readonly: boolean; value?: string }[]
    set(key: string, value: string): Answer<'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported'>
  }
  /** A StartTransaction was answered: the server's transactionId for the reference (and its idTagInfo). */
  transactionStarted?(started: { ref: string; transactionId: number; answer: object }): void
}

export interface CommandContext {
  handlers: OcppClientHandlers
  connectors: number
  referenceOf(transactionId: number): string | undefined
  heartbeatSeconds(): number
  setHeartbeatSeconds(seconds: number): void
  trigger(
    message: 'BootNotification' | 'Heartbeat' | 'StatusNotification',
    connectorId: number | undefined,
  ): void
}

const status = (accepted: boolean) => ({ status: accepted ? 'Accepted' : 'Rejected' })

/** The client's answers to the server's calls. */
export function commandHandlers(context: CommandContext): Record<string, CallHandler> {
  const { handlers } = context
  const transaction = (transactionId: number): CommandTransaction => ({
    transactionId,
    ref: context.referenceOf(transactionId),
  })
  const builtIn = () => [
    { key: 'HeartbeatInterval', readonly: false, value: String(context.heartbeatSeconds()) },
    { key: 'NumberOfConnectors', readonly: true, value: String(context.connectors) },
  ]
  return {
    RemoteStopTransaction: checked(async ({ transactionId }: { transactionId: number }) =>
      status((await handlers.stop?.(transaction(transactionId))) ?? false),
    ),
    RemoteStartTransaction: checked(async (request: { connectorId?: number; idTag: string }) =>
      status((await handlers.remoteStart?.(request)) ?? false),
    ),
    ChangeAvailability: checked(
      async ({ connectorId, type }: { connectorId: number; type: 'Operative' | 'Inoperative' }) => ({
        status: (await handlers.availability?.(connectorId, type)) ?? 'Rejected',
      }),
    ),
    Reset: checked(async ({ type }: { type: 'Soft' | 'Hard' }) =>
      status((await handlers.reset?.(type)) ?? false),
    ),
    UnlockConnector: checked(async ({ connectorId }: { connectorId: number }) => {
      if (!handlers.unlock) return { status: 'NotSupported' }
      return { status: (await handlers.unlock(connectorId)) ? 'Unlocked' : 'UnlockFailed' }
    }),
    TriggerMessage: checked(async (request: { requestedMessage: string; connectorId?: number }) => {
      const { requestedMessage, connectorId } = request
      // A connector this pile does not have gets nothing sent (0 is the pile itself); Boot and Heartbeat ignore it.
      const perConnector = requestedMessage === 'StatusNotification' || requestedMessage === 'MeterValues'
      if (perConnector && connectorId !== undefined && connectorId > context.connectors)
        return { status: 'Rejected' }
      if (
        requestedMessage === 'BootNotification' ||
        requestedMessage === 'Heartbeat' ||
        requestedMessage === 'StatusNotification'
      ) {
        // After the answer: OCPP sends the triggered message once TriggerMessage is confirmed.
        setImmediate(() => context.trigger(requestedMessage, connectorId))
        return { status: 'Accepted' }
      }
      if (requestedMessage === 'MeterValues' && handlers.triggerMeterValues) {
        const trigger = handlers.triggerMeterValues
        setImmediate(() => trigger(connectorId))
        return { status: 'Accepted' }
      }
      return { status: 'NotImplemented' }
    }),
    GetConfiguration: checked(async ({ key }: { key?: string[] }) => {
      const all = [...builtIn(), ...(handlers.configuration?.get() ?? [])]
      if (!key || key.length === 0) return { configurationKey: all }
      return {
        configurationKey: all.filter((entry) => key.includes(entry.key)),
        unknownKey: key.filter((name) => !all.some((entry) => entry.key === name)),
      }
    }),
    ChangeConfiguration: checked(async ({ key, value }: { key: string; value: string }) => {
      if (key === 'HeartbeatInterval') {
        const seconds = Number(value)
        if (!Number.isInteger(seconds) || seconds < 1) return { status: 'Rejected' }
        context.setHeartbeatSeconds(seconds)
        return { status: 'Accepted' }
      }
      return { status: (await handlers.configuration?.set(key, value)) ?? 'NotSupported' }
    }),
    DataTransfer: checked(async (request: DataTransferRequest): Promise<DataTransferResponse> => {
      if (request.vendorId !== vendorId) return { status: 'UnknownVendorId' }
      if (request.messageId !== 'stopAt') return { status: 'UnknownMessageId' }
      let parsed: unknown
      try {
        parsed = JSON.parse(request.data ?? '')
      } catch {
        return { status: 'Rejected', data: encodeData({ error: 'invalidData' }) }
      }
      const stopAt = chargechainMessages.stopAt.request.safeParse(parsed)
      if (!stopAt.success) return { status: 'Rejected', data: encodeData({ error: 'invalidData' }) }
      const accepted =
        (await handlers.stopAt?.(transaction(stopAt.data.transactionId), stopAt.data.energyWh)) ?? false
      return accepted
        ? { status: 'Accepted' }
        : { status: 'Rejected', data: encodeData({ error: 'notSupported' }) }
    }),
  }
}
