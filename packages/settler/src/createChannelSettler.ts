import { ChainUnavailableError, type ChargeChainClient, ContractRevertedError } from '@chargechain/chain'
import { type Database, queryRows } from '@chargechain/db'
import { sql } from 'drizzle-orm'
import { type Logger, pino } from 'pino'
import type { Address, Hash, Hex } from 'viem'
import { type DueChannel, dueChannels } from './dueChannels.js'
import { SettlerOptionError } from './errors.js'

/** What the settler needs of a client signed by a channel's operator (only the operator may settle). */
export type ChannelOperatorClient = Pick<ChargeChainClient, 'account' | 'getChannel' | 'settleChannel'>

export interface CreateChannelSettlerParameters {
  database: Database
  /** A client signed by each operator whose channels this server settles. */
  operators: readonly ChannelOperatorClient[]
  /** Every channel with an unsettled voucher goes on chain this often (and once at start). Default 1 h. */
  intervalMs?: number
  /** A closing channel is settled once its challenge period ends within this much. Default 10 min. */
  closeMarginMs?: number
  /** How often to look for closing channels. Default 15 s. */
  pollMs?: number
  logger?: Logger
  now?: () => Date
}

export interface SettleDueReturnType {
  settled: { channelId: Hex; amount: bigint; hash: Hash }[]
  /** Already on chain (another instance, or a settle mined before a restart): nothing sent. */
  current: Hex[]
  /** The contract refused (a bad signature, a closed channel): logged; retried only once a new voucher comes. */
  refused: { channelId: Hex; reason: string }[]
  /** The node could not be reached; tried again on the next round. */
  unreachable: Hex[]
}

export interface ChannelSettler {
  /** Settles every unsettled channel now, then on the schedule; closing channels are checked every `pollMs`. */
  start(): void
  stop(): Promise<void>
  /** One round: every unsettled channel (`all`) or only those whose challenge period ends soon. */
  settleDue(which: 'all' | 'closing'): Promise<SettleDueReturnType>
}

/**
 * The operator's settler: takes the ledger's highest voucher of each channel on chain, on a schedule and always
 * before the channel's challenge period ends (after it the car takes the rest back). Instances sharing one
 * PostgreSQL settle each channel once: a channel is settled under a transaction-scoped advisory lock.
 */
export function createChannelSettler(parameters: CreateChannelSettlerParameters): ChannelSettler {
  const { database } = parameters
  const intervalMs = parameters.intervalMs ?? 3_600_000
  const closeMarginMs = parameters.closeMarginMs ?? 600_000
  const pollMs = parameters.pollMs ?? 15_000
  const logger = parameters.logger ?? pino({ level: 'silent' })
  const now = parameters.now ?? (() => new Date())
  const clients = new Map<string, ChannelOperatorClient>()
  for (const client of parameters.operators) {
    const address = client.account?.address
    if (!address)
      throw new SettlerOptionError('Each operator client needs its account; pass the operator key.')
    clients.set(address.toLowerCase(), client)
  }
  const operators = [...clients.keys()] as Address[]
  // A refused voucher is not sent again until the ledger holds a different one.
  const refusedVouchers = new Set<string>()

  async function settleOne(channel: DueChannel, result: SettleDueReturnType): Promise<void> {
    const client = clients.get(channel.operator.toLowerCase())
    const key = `${channel.channelId}:${channel.voucherAmount}`
    if (!client || refusedVouchers.has(key)) return
    try {
      const onChain = await client.getChannel({ channelId: channel.channelId })
      if (onChain.settled >= channel.voucherAmount || onChain.status === 'closed') {
        result.current.push(channel.channelId)
        return
      }
      const { hash } = await client.settleChannel({
        channelId: channel.channelId,
        cumulativeAmount: channel.voucherAmount,
        signature: channel.voucherSignature,
      })
      result.settled.push({ channelId: channel.channelId, amount: channel.voucherAmount, hash })
      logger.info(
        { channelId: channel.channelId, amount: String(channel.voucherAmount), hash },
        'channel settled',
      )
    } catch (error) {
      if (error instanceof ContractRevertedError) {
        refusedVouchers.add(key)
        result.refused.push({ channelId: channel.channelId, reason: error.reason })
        logger.error({ channelId: channel.channelId, reason: error.reason }, 'the contract refused a settle')
      } else if (error instanceof ChainUnavailableError) {
        result.unreachable.push(channel.channelId)
        logger.warn({ channelId: channel.channelId }, 'node unreachable; settling on the next round')
      } else throw error
    }
  }

  /** PGlite serves one process on one connection: no lock, and no transaction held across a chain call. */
  function exclusively(channel: DueChannel, task: () => Promise<void>): Promise<void> {
    if (database.engine === 'pglite') return task()
    return database.db.transaction(async (tx) => {
      const [row] = await queryRows(
        tx,
        sql`select pg_try_advisory_xact_lock(hashtext('chargechain.settle'), hashtext(${channel.channelId})) as locked`,
      )
      if (row?.locked === true) await task()
    })
  }

  let rounds: Promise<unknown> = Promise.resolve()
  async function settleDue(which: 'all' | 'closing'): Promise<SettleDueReturnType> {
    const round = rounds.then(async () => {
      const result: SettleDueReturnType = { settled: [], current: [], refused: [], unreachable: [] }
      const due = await dueChannels(database.db, {
        operators,
        ...(which === 'closing' ? { closingBefore: new Date(now().getTime() + closeMarginMs) } : {}),
      })
      for (const channel of due) await exclusively(channel, () => settleOne(channel, result))
      return result
    })
    rounds = round.catch(() => {})
    return round
  }

  const timers: NodeJS.Timeout[] = []
  const run = (which: 'all' | 'closing') => () => {
    settleDue(which).catch((error: unknown) => logger.error({ err: error }, 'settling channels failed'))
  }
  return {
    start() {
      if (timers.length > 0) return
      run('all')()
      timers.push(setInterval(run('all'), intervalMs), setInterval(run('closing'), pollMs))
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer)
      await rounds
    },
    settleDue,
  }
}
