import type { Logger } from '@chargechain/agent-core'
import {
  ContractRevertedError,
  signVehicleAuth,
  tariffCost,
  termsDifference,
  toCompactSignature,
} from '@chargechain/chain'
import { sessionEscrowAbi } from '@chargechain/contracts'
import { isLinkDrop, isLinkFailure, type LinkSession, type MessageOf } from '@chargechain/link'
import { type Address, bytesToHex, type Hex, hexToBytes, isAddressEqual, pad, zeroAddress } from 'viem'
import { closeLink, connectLink, show, type VehicleRuntime, type VehicleStep } from '../runtime.js'
import {
  type AcceptedTerms,
  boundTerms,
  type ChannelSession,
  type OfferedSession,
  type OpeningSession,
  type PaidSession,
  sessionOf,
} from '../session.js'
import { rejoin } from './rejoin.js'
import { receiptOf } from './vouchers.js'

/** Waits for a pile to connect and greet; an unfinished session from before a restart is picked up elsewhere. */
export const waiting: VehicleStep<'waiting'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    runtime.stop = { wanted: false, sent: false }
    runtime.voucheredAt = undefined
    await show(runtime, 'idle')
    for (;;) {
      try {
        const link = await connectLink(runtime, signal)
        if (!link) continue
        const hello = await link.expect('Hello', { timeoutMs: runtime.config.link.helloTimeoutMs })
        const pileId = bytesToHex(hello.pileId)
        const problem = checkPile(runtime, hello.chainId, bytesToHex(hello.verifyingContract))
        if (problem) {
          logger.warn({ pileId, problem }, 'pile refused')
          await link.send({ type: 'Error', code: 'other', text: problem })
          runtime.emit('sessionRefused', { pileId, reason: problem })
          await closeLink(runtime)
          continue
        }
        const signature = await signChallenge(runtime, pileId, bytesToHex(hello.nonce))
        await link.send({ type: 'Auth', signature: hexToBytes(signature) })
        return { event: 'HELLO', data: { ...data, session: { kind: 'greeted', pileId } } }
      } catch (error) {
        signal.throwIfAborted()
        if (!isLinkFailure(error)) throw error
        logger.warn({ err: error }, 'no handshake; waiting for the next connection')
        await closeLink(runtime)
        // A pile not listening refuses at once: pace the attempts on the agent's clock.
        await runtime.clock.sleep(CONNECT_RETRY_MS, signal)
      }
    }
  }

const CONNECT_RETRY_MS = 1_000

/** A signature is only ever given for this car's chain and registry, so it is worthless anywhere else. */
export function checkPile(runtime: VehicleRuntime, chainId: number, registry: Address): string | undefined {
  const { deployment } = runtime.chain
  if (chainId !== deployment.chainId)
    return `wrong chain ${chainId}; this car pays on chain ${deployment.chainId}`
  if (!isAddressEqual(registry, deployment.contracts.pileRegistry)) return `unknown registry ${registry}`
  return undefined
}

export function signChallenge(runtime: VehicleRuntime, pileId: Hex, nonce: Hex): Promise<Hex> {
  const { chain } = runtime
  return signVehicleAuth({
    account: runtime.account,
    chainId: chain.deployment.chainId,
    registry: chain.deployment.contracts.pileRegistry,
    pileId,
    nonce,
    // The link carries 64-byte EIP-2098 signatures.
  }).then(toCompactSignature)
}

/** AuthResult: free, or terms the car checks against its own limits. */
export const authenticating: VehicleStep<'authenticating'> =
  (runtime) =>
  async ({ data, resumed, logger }) => {
    const session = sessionOf(data, 'authenticating')
    const link = runtime.session
    // Nothing paid yet: a restarted car, or one whose link dropped, starts a fresh handshake with the next Hello.
    if (resumed || !link) return { event: 'REFUSED', data: { ...data, session: undefined } }
    await show(runtime, 'authenticating')
    let result: MessageOf<'AuthResult'> | MessageOf<'ChargingStopped'> | MessageOf<'Receipt'>
    try {
      result = await link.expect(['AuthResult', 'ChargingStopped', 'Receipt'], {
        timeoutMs: runtime.config.link.answerTimeoutMs,
      })
    } catch (error) {
      if (!isLinkDrop(error)) throw error
      logger.warn({ err: error, pileId: session.pileId }, 'link lost during the handshake; starting over')
      return { event: 'REFUSED', data: { ...data, session: undefined } }
    }
    // A pile delivers a receipt only once it holds the visit's end, and the car ends a visit only with it (or after
    // giving up on the pile): this greeting is for a visit the car already closed, and starts none. The pile was not
    // told yet that the car kept the receipt.
    if (result.type === 'Receipt') {
      logger.info({ pileId: session.pileId }, 'pile re-greeted for a visit already closed')
      await link.send({ type: 'VisitClosed' }).catch(() => {})
      return { event: 'REFUSED', data: { ...data, session: undefined } }
    }
    // The pile is finishing a session this car forgot in a restart before it journaled any payment: a free one.
    if (result.type === 'ChargingStopped')
      return {
        event: 'STOPPED',
        data: { ...data, session: { ...session, kind: 'free', finalWh: result.energyWh } },
      }
    if (result.result === 'free')
      return { event: 'FREE', data: { ...data, session: { ...session, kind: 'free' } } }
    if (result.result === 'rejected') {
      runtime.emit('sessionRefused', { pileId: session.pileId, reason: `pile rejected: ${result.reason}` })
      return { event: 'REFUSED', data: { ...data, session: undefined } }
    }
    const { terms } = result
    const accepted: AcceptedTerms = {
      currency: bytesToHex(terms.token),
      pricePerKWh: terms.pricePerKWh,
      pricePerMinute: terms.pricePerMinute,
      idlePerMinute: terms.idlePerMinute,
      sessionFee: terms.sessionFee,
      payee: bytesToHex(terms.payee),
      agent: bytesToHex(terms.agent),
      escrow: bytesToHex(terms.escrow),
      minDeposit: terms.minDeposit,
      creditWh: terms.creditWh,
      meterIntervalMs: terms.meterIntervalMs,
      confirmations: terms.confirmations,
    }
    const offered: OfferedSession = { ...session, kind: 'offered', terms: accepted }
    return { event: 'PAY', data: { ...data, session: offered } }
  }

/** Checks the price, then picks a channel with enough left or prepares an escrow session (salt journaled first). */
export const paying: VehicleStep<'paying'> =
  (runtime) =>
  async ({ data, resumed, logger }) => {
    const session = sessionOf(data, 'paying')
    const link = runtime.session
    const refuse = async (reason: string) => {
      logger.warn({ pileId: session.pileId, reason }, 'terms refused')
      runtime.emit('sessionRefused', { pileId: session.pileId, reason })
      await link?.send({ type: 'Error', code: 'other', text: reason }).catch(() => {})
      return { event: 'REFUSED' as const, data: { ...data, session: undefined } }
    }
    if (resumed || !link) return { event: 'REFUSED', data: { ...data, session: undefined } }
    const { terms } = session
    const { payment } = runtime.config
    if (!isAddressEqual(terms.escrow, runtime.chain.deployment.contracts.sessionEscrow))
      return refuse(`unknown escrow ${terms.escrow}`)
    if (terms.pricePerKWh > payment.maxPricePerKWh)
      return refuse(`price ${terms.pricePerKWh} above the car's maximum ${payment.maxPricePerKWh}`)
    if (terms.pricePerMinute > payment.maxPricePerMinute)
      return refuse(`${terms.pricePerMinute} per minute above the car's maximum ${payment.maxPricePerMinute}`)
    if (terms.idlePerMinute > payment.maxIdlePerMinute)
      return refuse(
        `${terms.idlePerMinute} per idle minute above the car's maximum ${payment.maxIdlePerMinute}`,
      )
    if (terms.sessionFee > payment.maxSessionFee)
      return refuse(`session fee ${terms.sessionFee} above the car's maximum ${payment.maxSessionFee}`)
    // What the pile offered must be what the registry holds: the escrow binds the registry's terms, and a channel
    // pays the registry's payout.
    const { terms: onChain } = await runtime.chain.getPile({ pileId: session.pileId })
    const difference = termsDifference(boundTerms(terms), onChain)
    if (difference)
      return refuse(
        `the pile offered ${difference.field} ${difference.expected}, the registry holds ${difference.actual}`,
      )
    const channel = await usableChannel(runtime, data.channels, terms)
    // The car's count starts here, journaled before it pays: no energy flows until the pile has accepted the payment.
    const { energyWh: meterStartWh } = await runtime.hardware.meter.read()
    if (channel)
      return {
        event: 'CHANNEL',
        data: { ...data, session: { ...session, kind: 'channel', channel, meterStartWh } },
      }
    // biome-ignore lint/complexity/useMathMinMax: bigint amounts; Math.max throws on them
    const deposit = payment.deposit > terms.minDeposit ? payment.deposit : terms.minDeposit
    if (payment.maxDeposit !== undefined && deposit > payment.maxDeposit)
      return refuse(`minimum deposit ${terms.minDeposit} above the car's maximum ${payment.maxDeposit}`)
    // 8 random bytes never repeat for one car; the zero bytes above them make the opening and settling calldata cheaper.
    const salt = pad(bytesToHex(crypto.getRandomValues(new Uint8Array(8))), { size: 32 })
    return {
      event: 'ESCROW',
      data: { ...data, session: { ...session, kind: 'opening', escrow: { salt, deposit }, meterStartWh } },
    }
  }

async function usableChannel(
  runtime: VehicleRuntime,
  signed: Record<string, bigint>,
  terms: AcceptedTerms,
): Promise<ChannelSession['channel'] | undefined> {
  const { payment } = runtime.config
  if (payment.preference !== 'channel') return undefined
  const configured = payment.channels.find(
    (channel) =>
      isAddressEqual(channel.operator, terms.payee) &&
      isAddressEqual(channel.currency, terms.currency ?? zeroAddress),
  )
  if (!configured) return undefined
  const onChain = await runtime.chain.getChannel({ channelId: configured.channelId })
  const own = runtime.account.address
  if (onChain.status !== 'open' || onChain.closesAt !== 0 || !isAddressEqual(onChain.vehicle, own))
    return undefined
  const mine = signed[configured.channelId.toLowerCase()] ?? 0n
  const base = mine > onChain.settled ? mine : onChain.settled
  if (onChain.deposit - base < tariffCost(terms, BigInt(terms.creditWh))) return undefined
  return { channelId: configured.channelId, base }
}

/** Opens the escrow session, unless a crash came after the transaction: then finds it by its journaled salt. */
export const opening: VehicleStep<'opening'> =
  (runtime) =>
  async ({ data, logger }) => {
    const session = sessionOf(data, 'opening')
    const { escrow } = session
    await show(runtime, 'paying')
    const { chain } = runtime
    const vehicle = runtime.account.address
    const existing = await chain.getContractEvents({
      address: chain.deployment.contracts.sessionEscrow,
      abi: sessionEscrowAbi,
      eventName: 'SessionOpened',
      args: { pileId: session.pileId, vehicle },
      fromBlock: BigInt(chain.deployment.startBlock),
      strict: true,
    })
    const found = existing.find((event) => event.args.salt.toLowerCase() === escrow.salt.toLowerCase())
    if (found) {
      logger.info({ sessionId: found.args.sessionId }, 'escrow session found from before a restart')
      return opened(data, session, found.args.sessionId, found.transactionHash)
    }
    // Binds exactly the accepted terms (a permit, if any, is for their currency): if the owner changed them since,
    // the escrow refuses with TermsChanged and nothing is paid.
    let result: Awaited<ReturnType<typeof chain.openSession>>
    try {
      result = await chain.openSession({
        pileId: session.pileId,
        terms: boundTerms(session.terms),
        deposit: escrow.deposit,
        salt: escrow.salt,
        confirmations: session.terms.confirmations,
      })
    } catch (error) {
      if (!(error instanceof ContractRevertedError && error.reason === 'TermsChanged')) throw error
      logger.warn(
        { pileId: session.pileId },
        "the pile's terms changed before the session opened; not paying",
      )
      runtime.emit('sessionRefused', { pileId: session.pileId, reason: 'the pile’s terms changed on chain' })
      return { event: 'REFUSED' as const, data: { ...data, session: undefined } }
    }
    return opened(data, session, result.sessionId, result.hash)
  }

function opened(
  data: Parameters<ReturnType<VehicleStep<'opening'>>>[0]['data'],
  session: OpeningSession,
  sessionId: Hex,
  openTx: Hex,
) {
  const escrow = { ...session.escrow, sessionId, openTx }
  return {
    event: 'OPENED' as const,
    data: { ...data, session: { ...session, kind: 'escrow' as const, escrow } },
  }
}

/**
 * PaymentOpened → PaymentResult. A refused escrow session goes to settlement, which gets the deposit back. The money
 * is on chain by now, so a dropped link or a restart on either side does not end the visit: the car rejoins the pile,
 * passes its fresh challenge and presents the same session again — or hears that the pile had already accepted it,
 * stopped or settled it (settlement refunds it if the pile never returns).
 */
export const presenting: VehicleStep<'presenting'> =
  (runtime) =>
  async ({ data, resumed, signal, logger }) => {
    const session = sessionOf(data, 'presenting')
    const { answerTimeoutMs } = runtime.config.link
    let link = resumed ? undefined : runtime.session
    for (;;) {
      try {
        if (!link || link.closed) {
          link = await rejoin(runtime, session, signal, logger)
          if (!link) return { event: 'REJECTED' }
          const answer = await link.expect(['AuthResult', 'PaymentResult', 'ChargingStopped', 'Receipt'], {
            timeoutMs: answerTimeoutMs,
          })
          // The pile had journaled the payment as accepted: it says so again to the car that rejoins.
          if (answer.type === 'PaymentResult') return paymentResult(runtime, session, answer, logger)
          // The pile took the payment before the restart and has stopped since: finish that session.
          if (answer.type === 'ChargingStopped')
            return { event: 'STOPPED', data: { ...data, session: { ...session, finalWh: answer.energyWh } } }
          // ...or even settled it without the car.
          if (answer.type === 'Receipt')
            return {
              event: 'RECEIPT',
              data: { ...data, session: { ...session, receipt: receiptOf(answer) } },
            }
          if (answer.result !== 'pay') {
            logger.warn(
              { pileId: session.pileId, result: answer.result },
              'pile no longer asks for this payment',
            )
            return { event: 'REJECTED' }
          }
        }
        await sendPaymentOpened(link, session)
        const result = await link.expect('PaymentResult', { timeoutMs: answerTimeoutMs })
        return paymentResult(runtime, session, result, logger)
      } catch (error) {
        signal.throwIfAborted()
        if (!isLinkDrop(error)) throw error
        logger.warn(
          { err: error, pileId: session.pileId },
          'link lost while presenting the payment; rejoining',
        )
        link = undefined
      }
    }
  }

function paymentResult(
  runtime: VehicleRuntime,
  session: PaidSession,
  result: MessageOf<'PaymentResult'>,
  logger: Logger,
) {
  if (result.result === 'accepted') return { event: 'ACCEPTED' as const }
  logger.warn({ pileId: session.pileId, reason: result.reason }, 'payment rejected by the pile')
  runtime.emit('sessionRefused', { pileId: session.pileId, reason: `payment rejected: ${result.reason}` })
  return { event: 'REJECTED' as const }
}

function sendPaymentOpened(link: LinkSession, session: PaidSession) {
  if (session.kind === 'channel')
    return link.send({
      type: 'PaymentOpened',
      method: 'channel',
      channelId: hexToBytes(session.channel.channelId),
    })
  return link.send({
    type: 'PaymentOpened',
    method: 'escrow',
    sessionId: hexToBytes(session.escrow.sessionId),
    txHash: hexToBytes(session.escrow.openTx),
  })
}
