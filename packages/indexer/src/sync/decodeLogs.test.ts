// The indexer's own log decoder gives, log for log, what @chargechain/chain's decodeChargeChainLogs gives in stored
// form (arguments as JSON, hex in lower case, the subject), over an eth_getLogs answer holding registry, escrow
// (opened, settled, claimed, decided) and channel events. Break tried: the indexed-topic branch returning the topic
// for every type (addresses then keep their 32-byte padding and the comparison fails).
import { decodeChargeChainLogs } from '@chargechain/chain'
import { formatLog, numberToHex, parseEther, type RpcLog } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  address,
  type Chain,
  channelVoucher,
  claim,
  open,
  registerPiles,
  settle,
  startChain,
} from '../../test/fixture.js'
import { followedAddresses, followedTopics, jsonify } from '../events.js'
import { decodeLogs } from './decodeLogs.js'

describe('decodeLogs', () => {
  let c: Chain
  beforeAll(async () => {
    c = await startChain()
    const piles = await registerPiles(c, 'DEC')
    await settle(c, await open(c.vehicle, piles.native), 5_000n)
    await settle(c, await open(c.vehicle2, piles.token, parseEther('5')), 2_000n)
    const claimed = await open(c.vehicle, piles.native)
    await claim(c, claimed, 1_000n)
    await c.arbiter.decideDispute({ sessionId: claimed.sessionId, amountToPile: 500n })
    const { channelId } = await c.vehicle.openChannel({
      operator: address(c.payout),
      deposit: parseEther('1'),
    })
    const amount = parseEther('0.1')
    const signature = await channelVoucher(c, c.vehicle, channelId, amount)
    await c.payout.settleChannel({ channelId, cumulativeAmount: amount, signature })
  }, 180_000)
  afterAll(() => c?.stop())

  it('decodes every followed log as decodeChargeChainLogs does', async () => {
    const head = Number(await c.arbiter.getBlockNumber())
    const raw = (await c.arbiter.request({
      method: 'eth_getLogs',
      params: [
        {
          address: followedAddresses(c.deployment),
          topics: [followedTopics],
          fromBlock: numberToHex(c.deployment.startBlock),
          toBlock: numberToHex(head),
        },
      ],
    })) as RpcLog[]
    const time = new Date('2026-01-01T00:00:00Z')
    const ours = decodeLogs(c.deployment, raw, () => time)
    const subjects = {
      pileRegistry: 'pileId',
      sessionEscrow: 'sessionId',
      paymentChannels: 'channelId',
    } as const
    const theirs = decodeChargeChainLogs(
      c.deployment,
      raw.map((log) => formatLog(log)),
    ).map((event) => {
      const args = jsonify(event.args) as Record<string, unknown>
      return {
        blockNumber: Number(event.blockNumber),
        logIndex: event.logIndex,
        blockHash: event.blockHash.toLowerCase(),
        blockTime: time,
        transactionHash: event.transactionHash.toLowerCase(),
        subject: args[subjects[event.contract]],
        contract: event.contract,
        eventName: event.eventName,
        args,
      }
    })
    expect(new Set(ours.map((event) => event.eventName))).toEqual(
      new Set([
        'PileRegistered',
        'PileTermsChanged',
        'FreeVehicleSet',
        'SessionOpened',
        'SessionSettled',
        'DisputeOpened',
        'DisputeDecided',
        'ChannelOpened',
        'ChannelSettled',
      ]),
    )
    expect(ours).toEqual(theirs)
  })
})
