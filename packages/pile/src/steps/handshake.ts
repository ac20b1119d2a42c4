import {
  ContractRevertedError,
  priceOf,
  recoverVehicleAuth,
  SessionMismatchError,
  SessionNotFoundError,
} from '@chargechain/chain'
import {
  isLinkDrop,
  isLinkFailure,
  type LinkSession,
  type MessageOf,
  type RejectReason,
} from '@chargechain/link'
import { type Address, bytesToHex, hexToBytes, isAddressEqual } from 'viem'
import { creditWhOf } from '../credit.js'
import { ChannelLedgerUnavailableError } from '../errors.js'
import type { PileRuntime } from '../runtime.js'
import { type ArrivedSession, type OfferedSession, type PaidSession, sessionOf } from '../session.js'
import type { PileData } from '../types.js'
import type { PileStep } from './types.js'

/** Sends Hello and recovers who signed the challenge; `undefined` when the signature does not even parse. */
export async function challenge(
  runtime: PileRuntime,
  link: LinkSession,
  nonce: `0x${string}`,
): Promise<Address | undefined> {
  const { config, chain } = runtime
  const registry = chain.deployment.contracts.pileRegistry
  await link.send({
    type: 'Hello',
    pileId: hexToBytes(config.pileId),
    chainId: chain.deployment.chainId,
    verifyingContract: hexToBytes(registry),
    nonce: hexToBytes(nonce),
  })
  const auth = await link.expect('Auth', { timeoutMs: config.link.answerTimeoutMs })
  try {
    return await recoverVehicleAuth({
      chainId: chain.deployment.chainId,
      registry,
      pileId: config.pileId,
      nonce,
      signature: bytesToHex(auth.signature),
    })
  } catch {
    return undefined
  }
}

/**
 * Hello → Auth → AuthResult. The recovered address decides: the owner's cars and the free list charge free (their
 * AuthResult goes out in `starting`, once journaled), anyone else gets the terms. A replayed or forged Auth recovers some other address, which is never the owner's.
 */
export const authenticating: PileStep<'authenticating'> =
  (runtime) =>
  async ({ data, resumed, logger }) => {
    const session = sessionOf(data, 'authenticating')
    const link = runtime.session
    // Before payment there is nothing to protect: a restarted pile starts over rather than reuse a sent nonce.
    if (resumed || !link) return startOver(runtime, data, session, 'restarted before payment')
    let vehicle: Address | undefined
    try {
      vehicle = await challenge(runtime, link, session.nonce)
    } catch (error) {
      if (!isLinkFailure(error)) throw error
      logger.warn({ err: error, session: session.id }, 'car did not authenticate')
      if (isLinkDrop(error)) return startOver(runtime, data, session, 'link lost before payment')
      return abandon(runtime, session, `no authentication: ${(error as Error).name}`)
    }
    if (!vehicle) {
      await link.send({ type: 'AuthResult', result: 'rejected', reason: 'badSignature' }).catch(() => {})
      return abandon(runtime, session, 'unreadable signature')
    }
    const pile = await runtime.registry.pile()
    const free = isAddressEqual(vehicle, pile.owner) || (await runtime.registry.isFree(vehicle))
    logger.info({ session: session.id, vehicle, free }, 'car authenticated')
    const dropped = (error: unknown) => {
      if (!isLinkFailure(error)) throw error
      return startOver(runtime, data, session, 'link lost before payment')
    }
    // Told to the car in `starting`, once journaled: a restarted pile then resumes the session it granted.
    if (free)
      return {
        event: 'FREE',
        data: { ...data, session: { ...session, kind: 'free', vehicle, energyWh: 0 } },
      }
    const { payment } = runtime.config
    // The registry's terms exactly: the car checks them against the registry and binds them when it opens.
    const { terms } = pile
    const sent = await link
      .send({
        type: 'AuthResult',
        result: 'pay',
        terms: {
          token: hexToBytes(terms.tariff.currency),
          pricePerKWh: terms.tariff.pricePerKWh,
          pricePerMinute: terms.tariff.pricePerMinute,
          idlePerMinute: terms.tariff.idlePerMinute,
          sessionFee: terms.tariff.sessionFee,
          payee: hexToBytes(terms.payout),
          agent: hexToBytes(terms.agent),
          escrow: hexToBytes(runtime.chain.deployment.contracts.sessionEscrow),
          minDeposit: payment.minDeposit,
          creditWh: terms.creditWh,
          meterIntervalMs: payment.meterIntervalMs,
          confirmations: payment.confirmations,
        },
      })
      .then(
        () => undefined,
        (error: unknown) => dropped(error),
      )
    if (sent) return sent
    return {
      event: 'PAY',
      data: {
        ...data,
        session: {
          ...session,
          kind: 'offered',
          vehicle,
          offer: terms,
        },
      },
    }
  }

/** PaymentOpened → checked on chain → ACCEPTED (`starting` tells the car). Nothing flows until the money is there. */
export const awaitingPayment: PileStep<'awaitingPayment'> =
  (runtime) =>
  async ({ data, resumed, logger }) => {
    const session = sessionOf(data, 'awaitingPayment')
    const link = runtime.session
    // A car that paid before the restart reconnects and presents the same session again.
    if (resumed || !link) return startOver(runtime, data, session, 'restarted before payment')
    let opened: MessageOf<'PaymentOpened'>
    try {
      opened = await link.expect('PaymentOpened', { timeoutMs: runtime.config.link.answerTimeoutMs })
    } catch (error) {
      if (!isLinkFailure(error)) throw error
      logger.warn({ err: error, session: session.id }, 'car did not pay')
      if (isLinkDrop(error)) return startOver(runtime, data, session, 'link lost before payment')
      return abandon(runtime, session, `no payment: ${(error as Error).name}`)
    }
    const verdict =
      opened.method === 'escrow'
        ? await verifyEscrow(runtime, session, bytesToHex(opened.sessionId), bytesToHex(opened.txHash))
        : await verifyChannel(runtime, session, bytesToHex(opened.channelId))
    if ('reason' in verdict) {
      logger.warn({ session: session.id, method: opened.method, reason: verdict.reason }, 'payment refused')
      await link.send({ type: 'PaymentResult', result: 'rejected', reason: verdict.reason }).catch(() => {})
      return abandon(runtime, session, `payment refused: ${verdict.reason}`)
    }
    // PaymentResult goes out in `starting`, once the accepted payment is journaled: a pile restarted after the car
    // heard it must never ask for the payment again.
    logger.info({ session: session.id, kind: verdict.session.kind }, 'payment accepted')
    return { event: 'ACCEPTED', data: { ...data, session: verdict.session } }
  }

type Verdict = { session: PaidSession } | { reason: RejectReason }

async function verifyEscrow(
  runtime: PileRuntime,
  session: OfferedSession,
  sessionId: `0x${string}`,
  openTx: `0x${string}`,
): Promise<Verdict> {
  const { chain, config } = runtime
  try {
    const found = await chain.waitForSession({
      sessionId,
      transactionHash: openTx,
      confirmations: config.payment.confirmations,
      timeout: config.link.paymentTimeoutMs,
      expect: { pileId: config.pileId, terms: session.offer, minDeposit: config.payment.minDeposit },
    })
    if (!isAddressEqual(found.session.vehicle, session.vehicle)) return { reason: 'paymentMismatch' }
    const escrow = { sessionId, openTx, session: { ...found.session } }
    return { session: { ...session, kind: 'escrow', energyWh: 0, escrow } }
  } catch (error) {
    if (error instanceof SessionMismatchError)
      return { reason: error.field === 'deposit' ? 'depositTooLow' : 'paymentMismatch' }
    if (error instanceof SessionNotFoundError || error instanceof ContractRevertedError)
      return { reason: 'paymentNotFound' }
    return { reason: 'paymentNotConfirmed' }
  }
}

async function verifyChannel(
  runtime: PileRuntime,
  session: OfferedSession,
  channelId: `0x${string}`,
): Promise<Verdict> {
  const { chain, ledger, config } = runtime
  if (!ledger) return { reason: 'paymentMismatch' }
  const channel = await chain.getChannel({ channelId })
  if (channel.status !== 'open' || channel.closesAt !== 0) return { reason: 'paymentNotFound' }
  const matches =
    isAddressEqual(channel.vehicle, session.vehicle) &&
    isAddressEqual(channel.operator, session.offer.payout) &&
    isAddressEqual(channel.currency, session.offer.tariff.currency)
  if (!matches) return { reason: 'paymentMismatch' }
  let entry: Awaited<ReturnType<typeof ledger.get>>
  try {
    entry = await ledger.get(channelId)
  } catch (error) {
    // Without the operator's word on the channel the pile could take a voucher another pile already took.
    if (error instanceof ChannelLedgerUnavailableError) return { reason: 'paymentMismatch' }
    throw error
  }
  const recorded = entry?.cumulativeAmount ?? 0n
  const base = recorded > channel.settled ? recorded : channel.settled
  const remaining = channel.deposit - base
  // The channel must cover at least the energy the pile delivers ahead of the vouchers.
  if (remaining < priceOf(BigInt(creditWhOf(config, session.offer)), session.offer.tariff.pricePerKWh))
    return { reason: 'depositTooLow' }
  return { session: { ...session, kind: 'channel', energyWh: 0, channel: { channelId, base, remaining } } }
}

/**
 * The link dropped (or the pile restarted) before any energy flowed: while the car is still there, wait for it to
 * connect again and start over with a fresh challenge; a car that paid presents the same session again.
 */
function startOver(
  runtime: PileRuntime,
  data: PileData,
  session: ArrivedSession | OfferedSession,
  reason: string,
) {
  if (!runtime.hardware.arrival.current()) return abandon(runtime, session, reason)
  const { id, nonce, startedAt } = session
  const arrived: ArrivedSession = { kind: 'arrived', id, nonce, startedAt }
  return { event: 'RECONNECT' as const, data: { ...data, session: arrived } }
}

function abandon(runtime: PileRuntime, session: { id: `0x${string}` }, reason: string) {
  runtime.emit('sessionAbandoned', { id: session.id, reason })
  return { event: 'REJECTED' as const }
}
