import {
  type CloseChannelParameters,
  type CloseChannelReturnType,
  closeChannel,
} from '../../actions/channels/closeChannel.js'
import {
  type GetChannelParameters,
  type GetChannelReturnType,
  getChannel,
} from '../../actions/channels/getChannel.js'
import {
  type OpenChannelParameters,
  type OpenChannelReturnType,
  openChannel,
} from '../../actions/channels/openChannel.js'
import {
  type RequestCloseParameters,
  type RequestCloseReturnType,
  requestClose,
} from '../../actions/channels/requestClose.js'
import {
  type SettleAndCloseParameters,
  type SettleAndCloseReturnType,
  settleAndClose,
} from '../../actions/channels/settleAndClose.js'
import {
  type SettleChannelParameters,
  type SettleChannelReturnType,
  settleChannel,
} from '../../actions/channels/settleChannel.js'
import { type TopUpParameters, type TopUpReturnType, topUp } from '../../actions/channels/topUp.js'
import {
  type BalanceOfParameters,
  type BalanceOfReturnType,
  balanceOf,
} from '../../actions/escrow/balanceOf.js'
import {
  type DecideDisputeParameters,
  type DecideDisputeReturnType,
  decideDispute,
} from '../../actions/escrow/decideDispute.js'
import {
  type ExpireDisputeParameters,
  type ExpireDisputeReturnType,
  expireDispute,
} from '../../actions/escrow/expireDispute.js'
import {
  type FindSessionsParameters,
  type FindSessionsReturnType,
  findSessions,
} from '../../actions/escrow/findSessions.js'
import {
  type GetSessionParameters,
  type GetSessionReturnType,
  getSession,
} from '../../actions/escrow/getSession.js'
import {
  type OpenSessionParameters,
  type OpenSessionReturnType,
  openSession,
} from '../../actions/escrow/openSession.js'
import {
  type ReassignSessionsParameters,
  type ReassignSessionsReturnType,
  reassignSessions,
} from '../../actions/escrow/reassignSessions.js'
import { type RefundParameters, type RefundReturnType, refund } from '../../actions/escrow/refund.js'
import {
  type RequestRefundParameters,
  type RequestRefundReturnType,
  requestRefund,
} from '../../actions/escrow/requestRefund.js'
import {
  type SettleSessionParameters,
  type SettleSessionReturnType,
  settleSession,
} from '../../actions/escrow/settleSession.js'
import {
  type SettleSessionsParameters,
  type SettleSessionsReturnType,
  settleSessions,
} from '../../actions/escrow/settleSessions.js'
import {
  type SettleWithClaimParameters,
  type SettleWithClaimReturnType,
  settleWithClaim,
} from '../../actions/escrow/settleWithClaim.js'
import {
  type WaitForSessionParameters,
  type WaitForSessionReturnType,
  waitForSession,
} from '../../actions/escrow/waitForSession.js'
import { type WithdrawParameters, type WithdrawReturnType, withdraw } from '../../actions/escrow/withdraw.js'
import { type GetPileParameters, type GetPileReturnType, getPile } from '../../actions/registry/getPile.js'
import {
  type IsFreeVehicleParameters,
  type IsFreeVehicleReturnType,
  isFreeVehicle,
} from '../../actions/registry/isFreeVehicle.js'
import {
  type RegisterPileParameters,
  type RegisterPileReturnType,
  registerPile,
} from '../../actions/registry/registerPile.js'
import {
  type SetAgentParameters,
  type SetAgentReturnType,
  setAgent,
} from '../../actions/registry/setAgent.js'
import {
  type SetCreditParameters,
  type SetCreditReturnType,
  setCredit,
} from '../../actions/registry/setCredit.js'
import {
  type SetFreeVehiclesParameters,
  type SetFreeVehiclesReturnType,
  setFreeVehicles,
} from '../../actions/registry/setFreeVehicles.js'
import {
  type SetPayoutParameters,
  type SetPayoutReturnType,
  setPayout,
} from '../../actions/registry/setPayout.js'
import {
  type SetTariffParameters,
  type SetTariffReturnType,
  setTariff,
} from '../../actions/registry/setTariff.js'
import {
  type TransferPileParameters,
  type TransferPileReturnType,
  transferPile,
} from '../../actions/registry/transferPile.js'
import {
  type GetCurrencyParameters,
  type GetCurrencyReturnType,
  getCurrency,
} from '../../actions/token/getCurrency.js'
import {
  type SignPermitParameters,
  type SignPermitReturnType,
  signPermit,
} from '../../actions/token/signPermit.js'
import {
  type GetChargeChainEventsParameters,
  type GetChargeChainEventsReturnType,
  getChargeChainEvents,
} from '../../events/getChargeChainEvents.js'
import {
  type WatchChargeChainEventsParameters,
  type WatchChargeChainEventsReturnType,
  watchChargeChainEvents,
} from '../../events/watchChargeChainEvents.js'
import type { ChargeChainReadClient } from '../types.js'

export type ChargeChainActions = {
  findSessions: (parameters: FindSessionsParameters) => Promise<FindSessionsReturnType>
  registerPile: (parameters: RegisterPileParameters) => Promise<RegisterPileReturnType>
  setTariff: (parameters: SetTariffParameters) => Promise<SetTariffReturnType>
  setCredit: (parameters: SetCreditParameters) => Promise<SetCreditReturnType>
  setPayout: (parameters: SetPayoutParameters) => Promise<SetPayoutReturnType>
  setAgent: (parameters: SetAgentParameters) => Promise<SetAgentReturnType>
  setFreeVehicles: (parameters: SetFreeVehiclesParameters) => Promise<SetFreeVehiclesReturnType>
  transferPile: (parameters: TransferPileParameters) => Promise<TransferPileReturnType>
  getPile: (parameters: GetPileParameters) => Promise<GetPileReturnType>
  isFreeVehicle: (parameters: IsFreeVehicleParameters) => Promise<IsFreeVehicleReturnType>
  openSession: (parameters: OpenSessionParameters) => Promise<OpenSessionReturnType>
  settleSession: (parameters: SettleSessionParameters) => Promise<SettleSessionReturnType>
  settleSessions: (parameters: SettleSessionsParameters) => Promise<SettleSessionsReturnType>
  settleWithClaim: (parameters: SettleWithClaimParameters) => Promise<SettleWithClaimReturnType>
  reassignSessions: (parameters: ReassignSessionsParameters) => Promise<ReassignSessionsReturnType>
  requestRefund: (parameters: RequestRefundParameters) => Promise<RequestRefundReturnType>
  refund: (parameters: RefundParameters) => Promise<RefundReturnType>
  decideDispute: (parameters: DecideDisputeParameters) => Promise<DecideDisputeReturnType>
  expireDispute: (parameters: ExpireDisputeParameters) => Promise<ExpireDisputeReturnType>
  withdraw: (parameters: WithdrawParameters) => Promise<WithdrawReturnType>
  balanceOf: (parameters: BalanceOfParameters) => Promise<BalanceOfReturnType>
  getSession: (parameters: GetSessionParameters) => Promise<GetSessionReturnType>
  waitForSession: (parameters: WaitForSessionParameters) => Promise<WaitForSessionReturnType>
  openChannel: (parameters: OpenChannelParameters) => Promise<OpenChannelReturnType>
  topUp: (parameters: TopUpParameters) => Promise<TopUpReturnType>
  settleChannel: (parameters: SettleChannelParameters) => Promise<SettleChannelReturnType>
  requestClose: (parameters: RequestCloseParameters) => Promise<RequestCloseReturnType>
  closeChannel: (parameters: CloseChannelParameters) => Promise<CloseChannelReturnType>
  settleAndClose: (parameters: SettleAndCloseParameters) => Promise<SettleAndCloseReturnType>
  getChannel: (parameters: GetChannelParameters) => Promise<GetChannelReturnType>
  getCurrency: (parameters: GetCurrencyParameters) => Promise<GetCurrencyReturnType>
  signPermit: (parameters: SignPermitParameters) => Promise<SignPermitReturnType>
  getChargeChainEvents: (
    parameters?: GetChargeChainEventsParameters,
  ) => Promise<GetChargeChainEventsReturnType>
  watchChargeChainEvents: (parameters: WatchChargeChainEventsParameters) => WatchChargeChainEventsReturnType
}

/** Binds every ChargeChain action to a client that carries its deployment (viem's decorator pattern: no logic). */
export function chargeChainActions(client: ChargeChainReadClient): ChargeChainActions {
  return {
    findSessions: (parameters) => findSessions(client, parameters),
    registerPile: (parameters) => registerPile(client, parameters),
    setTariff: (parameters) => setTariff(client, parameters),
    setCredit: (parameters) => setCredit(client, parameters),
    setPayout: (parameters) => setPayout(client, parameters),
    setAgent: (parameters) => setAgent(client, parameters),
    setFreeVehicles: (parameters) => setFreeVehicles(client, parameters),
    transferPile: (parameters) => transferPile(client, parameters),
    getPile: (parameters) => getPile(client, parameters),
    isFreeVehicle: (parameters) => isFreeVehicle(client, parameters),
    openSession: (parameters) => openSession(client, parameters),
    settleSession: (parameters) => settleSession(client, parameters),
    settleSessions: (parameters) => settleSessions(client, parameters),
    settleWithClaim: (parameters) => settleWithClaim(client, parameters),
    reassignSessions: (parameters) => reassignSessions(client, parameters),
    requestRefund: (parameters) => requestRefund(client, parameters),
    refund: (parameters) => refund(client, parameters),
    decideDispute: (parameters) => decideDispute(client, parameters),
    expireDispute: (parameters) => expireDispute(client, parameters),
    withdraw: (parameters) => withdraw(client, parameters),
    balanceOf: (parameters) => balanceOf(client, parameters),
    getSession: (parameters) => getSession(client, parameters),
    waitForSession: (parameters) => waitForSession(client, parameters),
    openChannel: (parameters) => openChannel(client, parameters),
    topUp: (parameters) => topUp(client, parameters),
    settleChannel: (parameters) => settleChannel(client, parameters),
    requestClose: (parameters) => requestClose(client, parameters),
    closeChannel: (parameters) => closeChannel(client, parameters),
    settleAndClose: (parameters) => settleAndClose(client, parameters),
    getChannel: (parameters) => getChannel(client, parameters),
    getCurrency: (parameters) => getCurrency(client, parameters),
    signPermit: (parameters) => signPermit(client, parameters),
    getChargeChainEvents: (parameters) => getChargeChainEvents(client, parameters),
    watchChargeChainEvents: (parameters) => watchChargeChainEvents(client, parameters),
  }
}
