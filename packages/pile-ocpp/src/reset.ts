import type { PileAgent, PileState } from '@chargechain/pile'

/** States with no money in flight: nobody at the pile, a car still pairing, or one leaving with its receipt. */
const quiet: ReadonlySet<PileState> = new Set(['idle', 'connecting', 'departing'])
/** States whose session an operator stop ends. */
const live: ReadonlySet<PileState> = new Set(['starting', 'charging'])

/**
 * Ends the session in progress as an ordinary operator stop (relay off, the car pays what it vouchered: escrow
 * settled, channel voucher recorded, the rest refunded) and resolves once the pile holds no money in flight, so a
 * reset after it loses nothing. A car still paying (authenticating, awaitingPayment) is waited for: it either starts,
 * and is stopped, or is turned away.
 */
export function endSessionForReset(agent: Pick<PileAgent, 'on' | 'status' | 'stop'>): Promise<void> {
  return new Promise((resolve) => {
    let off = () => {}
    const check = () => {
      const { state, session } = agent.status()
      if (quiet.has(state)) {
        off()
        resolve()
      } else if (live.has(state) && session) agent.stop(session.id, 'operatorStopped')
    }
    off = agent.on('state', check)
    check()
  })
}
