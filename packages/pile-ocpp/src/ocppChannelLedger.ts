import { type OcppClient, OcppError } from '@chargechain/ocpp'
import { type ChannelEntry, type ChannelLedger, ChannelLedgerUnavailableError } from '@chargechain/pile'

/**
 * The operator's channel ledger kept by the management server, reached over the pile's OCPP connection: every pile
 * of the operator asks it before taking a car's channel, and reports each voucher it takes. The server settles on
 * chain; the pile never does.
 */
export function ocppChannelLedger(
  client: Pick<OcppClient, 'channelLedger' | 'reportVoucher'>,
): ChannelLedger {
  return {
    async get(channelId) {
      let answer: Awaited<ReturnType<typeof client.channelLedger>>
      try {
        answer = await client.channelLedger(channelId)
      } catch (error) {
        // Offline, refused, timed out: every failure of the call itself (a malformed answer is a bug, not this).
        if (error instanceof OcppError)
          throw new ChannelLedgerUnavailableError(
            `The management server could not be asked about channel ${channelId}; channel payment waits until it is reachable.`,
            { cause: error },
          )
        throw error
      }
      if (!answer) return undefined
      return {
        channelId,
        vehicle: answer.vehicle,
        cumulativeAmount: answer.cumulative,
        settledAmount: answer.settled,
        // The server keeps the signatures and settles; a pile needs only the amounts.
        signature: '0x',
        sessionsSinceSettle: 0,
        lastSessionId: '',
      }
    },
    async record(voucher, sessionId) {
      // Queued in the client's journal, delivered in order once the server is reachable.
      await client.reportVoucher({
        channelId: voucher.channelId,
        amount: voucher.cumulativeAmount,
        signature: voucher.signature,
      })
      const entry: ChannelEntry = {
        ...voucher,
        settledAmount: 0n,
        sessionsSinceSettle: 1,
        lastSessionId: sessionId,
      }
      return entry
    },
    // The server's settler settles every channel on its schedule and before each challenge period ends.
    async settleAll() {},
    async close() {},
  }
}
