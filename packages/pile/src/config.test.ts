import { ConfigError, parseConfig } from '@chargechain/agent-core'
import { pileIdFromDmid } from '@chargechain/chain'
import { describe, expect, it } from 'vitest'
import { pileConfigSchema } from './config.js'

const chain = { chainId: 31337, deployment: 'deployment.json' }
const owner = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

describe('pileConfigSchema', () => {
  it('fills the defaults, turns amounts into bigints and a DMID with its owner into the pile id', () => {
    const config = parseConfig(
      'pile.json',
      { dmid: 'CC-1', owner, chain, payment: { minDeposit: '5' } },
      pileConfigSchema,
    )
    expect(config.pileId).toBe(pileIdFromDmid(owner, 'CC-1'))
    expect(config.payment).toMatchObject({ minDeposit: 5n, creditWh: 200, meterIntervalMs: 10_000 })
    expect(config.channelSettle).toEqual({ everySessions: 10, minAmount: 10n ** 17n })
    expect(config.link.voucherWaitMs).toBe(2_000)
  })

  it('names each bad field in one ConfigError', () => {
    const bad = {
      pileId: '0x1234',
      chain: { chainId: -1, deployment: chain.deployment, rpcUrl: 'not a url' },
      payment: { minDeposit: '1.5', creditWh: 0 },
      link: { answerTimeoutMs: 'soon' },
      meter: { maxConsecutiveFailures: 0 },
      channelSettle: { everySessions: 1, minAmount: -1 },
      extra: true,
    }
    let error: unknown
    try {
      parseConfig('pile.json', bad, pileConfigSchema)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const paths = (error as ConfigError).issues.map((issue) => issue.path)
    for (const path of [
      'pileId',
      'chain.chainId',
      'chain.rpcUrl',
      'payment.minDeposit',
      'payment.creditWh',
      'link.answerTimeoutMs',
      'meter.maxConsecutiveFailures',
      'channelSettle.minAmount',
      '',
    ])
      expect(paths).toContain(path)
    expect((error as ConfigError).message).toMatch(/pile\.json/)
    expect((error as ConfigError).message).toMatch(/unknown field extra/)
  })

  it('wants either pileId, or dmid and owner', () => {
    const wanted = /pileId: set either pileId, or dmid and the owner/
    const both = { pileId: pileIdFromDmid(owner, 'CC-1'), dmid: 'CC-1', owner, chain }
    expect(() => parseConfig('pile.json', both, pileConfigSchema)).toThrow(wanted)
    expect(() => parseConfig('pile.json', { chain }, pileConfigSchema)).toThrow(wanted)
    expect(() => parseConfig('pile.json', { dmid: 'CC-1', chain }, pileConfigSchema)).toThrow(wanted)
    expect(() => parseConfig('pile.json', { dmid: 'CC-1', owner: '0x12', chain }, pileConfigSchema)).toThrow(
      /owner/,
    )
  })
})
