import type { Logger } from '@chargechain/agent-core'
import { type ChannelLedger, type CreatePileAgentOptions, createPileAgent } from '@chargechain/pile'
import { HardResetError } from './errors.js'
import type { Management } from './management.js'

export interface PileServiceOptions {
  /** What the agent runs on, but its channel ledger. */
  agent: Omit<CreatePileAgentOptions, 'channelLedger'>
  /** The ledger of a pile that is its own operator; without it, the management server's (if any). */
  channelLedger?: ChannelLedger
  /** Connects to the management server: at start, and again after each soft reset. */
  connectManagement?: () => Promise<Management>
  logger: Logger
}

/**
 * Runs the pile agent, reporting to the management server, until `signal` aborts. A Reset from the server first ends
 * the session in progress as an ordinary stop (settled or refunded); then a Soft reset closes the OCPP client and the
 * agent and starts both afresh (a new BootNotification; the agent resumes from its journal), and a Hard reset rejects
 * with `HardResetError`, for the process to exit 1 and its supervisor to start it again.
 */
export async function runPileService(options: PileServiceOptions, signal: AbortSignal): Promise<void> {
  const { logger } = options
  for (;;) {
    const management = await options.connectManagement?.()
    const channelLedger = options.channelLedger ?? management?.ledger
    const agent = createPileAgent({ ...options.agent, ...(channelLedger ? { channelLedger } : {}) })
    const run = new AbortController()
    const stop = () => run.abort(signal.reason)
    signal.addEventListener('abort', stop, { once: true })
    let reset: 'Soft' | 'Hard' | undefined
    management?.report(agent, (type) => {
      reset = type
      logger.info({ type }, 'reset by the management server: the session is over, restarting')
      run.abort(new Error(`${type} reset`))
    })
    try {
      await agent.run(run.signal)
    } finally {
      signal.removeEventListener('abort', stop)
      await management?.close()
    }
    if (signal.aborted || reset === undefined) return
    if (reset === 'Hard')
      throw new HardResetError(
        'The management server asked for a hard reset; the agent exits for its supervisor (systemd) to start it again.',
      )
  }
}
