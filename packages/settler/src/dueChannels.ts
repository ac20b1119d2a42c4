import { channels, type Db } from '@chargechain/db'
import { and, eq, gt, inArray, isNotNull, lte, ne, sql } from 'drizzle-orm'
import type { Address, Hex } from 'viem'

/** A channel whose ledger holds a voucher above what the chain has paid out. */
export interface DueChannel {
  channelId: Hex
  operator: Address
  voucherAmount: bigint
  voucherSignature: Hex
  closesAt: Date | null
}

export interface DueChannelsParameters {
  operators: readonly Address[]
  /** Only channels whose challenge period ends before this; all unsettled ones when undefined. */
  closingBefore?: Date
}

/** The operator's channels with a voucher to take on chain, most urgent first. */
export async function dueChannels(
  db: Db,
  { operators, closingBefore }: DueChannelsParameters,
): Promise<DueChannel[]> {
  if (operators.length === 0) return []
  const rows = await db
    .select({
      channelId: channels.channelId,
      operator: channels.operator,
      voucherAmount: channels.voucherAmount,
      voucherSignature: channels.voucherSignature,
      closesAt: channels.closesAt,
    })
    .from(channels)
    .where(
      and(
        inArray(
          channels.operator,
          operators.map((operator) => operator.toLowerCase() as Hex),
        ),
        ne(channels.state, 'closed'),
        gt(channels.voucherAmount, channels.settled),
        isNotNull(channels.voucherSignature),
        closingBefore === undefined
          ? undefined
          : and(eq(channels.state, 'closing'), lte(channels.closesAt, closingBefore)),
      ),
    )
    .orderBy(sql`${channels.closesAt} asc nulls last`, channels.channelId)
  return rows.flatMap((row) =>
    row.voucherSignature === null ? [] : [{ ...row, voucherSignature: row.voucherSignature }],
  )
}
