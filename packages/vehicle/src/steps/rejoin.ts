import type { Logger } from '@chargechain/agent-core'
import { isLinkFailure, type LinkSession } from '@chargechain/link'
import { bytesToHex, hexToBytes } from 'viem'
import { closeLink, connectLink, type VehicleRuntime } from '../runtime.js'
import type { ChargeSession } from '../session.js'
import { signChallenge } from './handshake.js'

/**
 * Connects to the session's pile again and answers its fresh challenge: after the link dropped, or after this car's
 * agent restarted mid-session. Gives up (`undefined`) after `link.reconnectTimeoutMs`, or as soon as the chain shows
 * the escrow session already ended (the pile settled without us, or the refund went through): then there is no one
 * left to talk to.
 */
export async function rejoin(
  runtime: VehicleRuntime,
  session: ChargeSession,
  signal: AbortSignal,
  logger: Logger,
): Promise<LinkSession | undefined> {
  const { clock, config } = runtime
  const deadline = clock.now() + config.link.reconnectTimeoutMs
  const ended = new AbortController()
  const attempt = AbortSignal.any([signal, ended.signal])
  const onEnded = () => void closeLink(runtime)
  ended.signal.addEventListener('abort', onEnded, { once: true })
  const watching = watchSessionEnd(runtime, session, attempt, () => ended.abort())
  try {
    while (clock.now() < deadline && !ended.signal.aborted) {
      let link: LinkSession | undefined
      try {
        link = await connectLink(runtime, signal, { timeoutMs: deadline - clock.now(), until: ended.signal })
      } catch (error) {
        signal.throwIfAborted()
        if (ended.signal.aborted) break
        if (!isLinkFailure(error)) throw error
        // The pile is not listening yet (its agent is restarting): try again shortly.
        await clock.sleep(1_000, attempt).catch(() => undefined)
        continue
      }
      if (!link) break
      try {
        const hello = await link.expect('Hello', {
          timeoutMs: Math.min(config.link.helloTimeoutMs, Math.max(0, deadline - clock.now())),
        })
        if (bytesToHex(hello.pileId).toLowerCase() !== session.pileId.toLowerCase()) {
          await closeLink(runtime)
          continue
        }
        const signature = await signChallenge(runtime, session.pileId, bytesToHex(hello.nonce))
        await link.send({ type: 'Auth', signature: hexToBytes(signature) })
        logger.info({ pileId: session.pileId }, 'reconnected to the pile')
        return link
      } catch (error) {
        signal.throwIfAborted()
        logger.warn({ err: error }, 'reconnection failed')
        await closeLink(runtime)
        // A pile not listening yet refuses at once: pace the retries on the agent's clock.
        if (!ended.signal.aborted) await clock.sleep(1_000, attempt).catch(() => undefined)
      }
    }
    return undefined
  } finally {
    ended.signal.removeEventListener('abort', onEnded)
    ended.abort()
    await watching
  }
}

/** Calls `onEnded` once the chain shows the escrow session settled or refunded; polls until `signal` aborts. */
async function watchSessionEnd(
  runtime: VehicleRuntime,
  session: ChargeSession,
  signal: AbortSignal,
  onEnded: () => void,
): Promise<void> {
  if (session.kind !== 'escrow') return
  const { escrow } = session
  const { chain, clock, config } = runtime
  while (!signal.aborted) {
    try {
      const { state } = await chain.getSession({
        sessionId: escrow.sessionId,
        transactionHash: escrow.openTx,
      })
      if (state.status === 'settled' || state.status === 'refunded') {
        onEnded()
        return
      }
    } catch {
      // The chain is unreachable for now; the link may still come back.
    }
    await clock.sleep(config.settlementPollMs, signal).catch(() => undefined)
  }
}
