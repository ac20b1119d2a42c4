// A voucher is bound to its session or channel, its contract and its chain: replaying it anywhere else fails.
import { type Hex, parseEther, parseEventLogs, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paymentChannelsAbi } from '../src/generated/PaymentChannels.js'
import { pileRegistryAbi } from '../src/generated/PileRegistry.js'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import { compact, eventIn, expectRevert, type Fixture, pileIdOf, startFixture } from './fixture.js'

let a: Fixture
let b: Fixture // same keys, same deployment addresses, another chain id
const price = parseEther('0.0003')
const deposit = parseEther('0.05')
const energyWh = 1000n
const amount = (energyWh * price + 999n) / 1000n

beforeAll(async () => {
  ;[a, b] = await Promise.all([startFixture({ accounts: 6 }), startFixture({ accounts: 6, chainId: 4242 })])
})
afterAll(() => Promise.all([a?.stop(), b?.stop()]))

const roles = (f: Fixture) => {
  return { owner: f.account(2), agent: f.account(3), vehicle: f.account(4), operator: f.account(5) }
}

describe('voucher replay', () => {
  it('fails on another session of the same vehicle at the same pile', async () => {
    const { owner, agent, vehicle } = roles(a)
    const pileId = await a.registerPile(owner, { agent: agent.address, pricePerKWh: price })
    const first = await a.openSession(vehicle, pileId, deposit, { value: deposit })
    const second = await a.openSession(vehicle, pileId, deposit, { value: deposit })
    await a.advance(1)
    const [, ...voucher] = await a.settleArgs(vehicle, first.session, {
      sessionId: first.sessionId,
      energyWh,
      amount,
    })
    await expectRevert(a.escrow(agent, 'settleSession', [second.session, ...voucher]), 'InvalidVoucherSigner')
    await a.escrow(agent, 'settleSession', [first.session, ...voucher])
  })

  it('fails on another deployment of the escrow (same session struct, another verifying contract)', async () => {
    const { owner, agent, vehicle } = roles(a)
    const pileId = await a.registerPile(owner, { agent: agent.address, pricePerKWh: price })
    const { session, sessionId } = await a.openSession(vehicle, pileId, deposit, { value: deposit })
    await a.advance(1)
    const otherDomain = { ...a.escrowDomain, verifyingContract: a.contracts.channels }
    const { r, vs } = compact(await a.signVoucher(vehicle, { sessionId, energyWh, amount }, otherDomain))
    await expectRevert(
      a.escrow(agent, 'settleSession', [session, energyWh, 0, 0, amount, r, vs]),
      'InvalidVoucherSigner',
    )
    // Nor does a version-1 voucher (the escrow before terms and tariffs) verify here.
    const v1 = { ...a.escrowDomain, version: '1' }
    const old = compact(await a.signVoucher(vehicle, { sessionId, energyWh, amount }, v1))
    await expectRevert(
      a.escrow(agent, 'settleSession', [session, energyWh, 0, 0, amount, old.r, old.vs]),
      'InvalidVoucherSigner',
    )
  })

  it('fails on another chain, even for an identical session at the same contract address', async () => {
    // Same deployer key and nonce on both chains give the same contract addresses; a shared next block timestamp
    // gives the same session struct, hence the same session id.
    const timestamp = BigInt(Math.floor(Date.now() / 1000) + 1000)
    const chains = []
    for (const f of [a, b]) {
      const nonce = await f.publicClient.getTransactionCount({ address: f.deployer.address })
      chains.push({ f, nonce, ...roles(f) })
    }
    const target = Math.max(...chains.map((chain) => chain.nonce))
    for (const chain of chains) {
      for (let n = chain.nonce; n < target; n++)
        await chain.f.token(chain.f.deployer, 'mint', [chain.f.deployer.address, 1n])
    }
    const opened = []
    for (const { f, owner, agent, vehicle } of chains) {
      const contracts = await f.deployAll()
      const dmid = toHex('cross-chain-pile', { size: 32 })
      const terms = f.termsFor(owner, { agent: agent.address, pricePerKWh: price })
      await f.send(owner, {
        address: contracts.registry,
        abi: pileRegistryAbi,
        functionName: 'registerPile',
        args: [dmid, terms],
      })
      await f.testClient.setNextBlockTimestamp({ timestamp })
      const pileId = pileIdOf(owner.address, dmid)
      const salt = toHex(7, { size: 32 })
      const receipt = await f.send(vehicle, {
        address: contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'openSession',
        args: [pileId, terms, salt, deposit],
        value: deposit,
      })
      const [log] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs: receipt.logs })
      if (!log) throw new Error('no SessionOpened event')
      const { sessionId, openedAt } = log.args
      const session = { vehicle: vehicle.address, pileId, terms, deposit, openedAt, salt }
      opened.push({ f, contracts, session, sessionId, agent, vehicle })
    }
    const [onA, onB] = opened as [(typeof opened)[0], (typeof opened)[0]]
    expect(onA.contracts.escrow).toBe(onB.contracts.escrow)
    expect(onA.sessionId).toBe(onB.sessionId)
    await onB.f.advance(1)
    const domainA = { ...a.escrowDomain, verifyingContract: onA.contracts.escrow }
    const { r, vs } = compact(
      await a.signVoucher(onA.vehicle, { sessionId: onA.sessionId, energyWh, amount }, domainA),
    )
    await expectRevert(
      onB.f.send(onB.agent, {
        address: onB.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'settleSession',
        args: [onB.session, energyWh, 0, 0, amount, r, vs],
      }),
      'InvalidVoucherSigner',
    )
    await onA.f.advance(1)
    await onA.f.send(onA.agent, {
      address: onA.contracts.escrow,
      abi: sessionEscrowAbi,
      functionName: 'settleSession',
      args: [onA.session, energyWh, 0, 0, amount, r, vs],
    })
  })

  it('fails on another channel between the same vehicle and operator, and on a closed-then-reopened id', async () => {
    const { vehicle, operator } = roles(a)
    const open = async (salt: number) => {
      const receipt = await a.channels(
        vehicle,
        'openChannel',
        [operator.address, NATIVE_CURRENCY, deposit, toHex(salt, { size: 32 })],
        deposit,
      )
      return eventIn(receipt, paymentChannelsAbi, 'ChannelOpened').args.channelId as Hex
    }
    const [first, second] = [await open(1), await open(2)]
    const signature = await a.signChannelVoucher(vehicle, { channelId: first, cumulativeAmount: 500n })
    await expectRevert(
      a.channels(operator, 'settleChannel', [second, 500n, signature]),
      'InvalidVoucherSigner',
    )
    const otherContract = await a.signChannelVoucher(
      vehicle,
      { channelId: first, cumulativeAmount: 500n },
      { ...a.channelDomain, verifyingContract: a.contracts.escrow },
    )
    await expectRevert(
      a.channels(operator, 'settleChannel', [first, 500n, otherContract]),
      'InvalidVoucherSigner',
    )
    const otherChain = await a.signChannelVoucher(
      vehicle,
      { channelId: first, cumulativeAmount: 500n },
      { ...a.channelDomain, chainId: 1 },
    )
    await expectRevert(
      a.channels(operator, 'settleChannel', [first, 500n, otherChain]),
      'InvalidVoucherSigner',
    )
    await a.channels(operator, 'settleAndClose', [first, 500n, signature])
    await expectRevert(
      a.channels(
        vehicle,
        'openChannel',
        [operator.address, NATIVE_CURRENCY, deposit, toHex(1, { size: 32 })],
        deposit,
      ),
      'ChannelExists',
    )
  })
})
