import { ConfigError, parseConfig } from '@chargechain/agent-core'
import { describe, expect, it } from 'vitest'
import { vehicleConfigSchema } from './config.js'

const chain = { chainId: 31337, deployment: 'deployment.json' }

describe('vehicleConfigSchema', () => {
  it('fills the defaults and turns amounts into bigints', () => {
    const config = parseConfig(
      'car.json',
      { chain, payment: { maxPricePerKWh: '300', deposit: 1000 } },
      vehicleConfigSchema,
    )
    expect(config.payment).toEqual({
      maxPricePerKWh: 300n,
      maxPricePerMinute: 0n,
      maxIdlePerMinute: 0n,
      maxSessionFee: 0n,
      deposit: 1000n,
      preference: 'channel',
      channels: [],
    })
    expect(config.charge).toEqual({})
    expect(config.tolerance).toEqual({ wh: 50, fraction: 0.1, seconds: 10 })
    expect(config.settlementPollMs).toBe(15_000)
  })

  it('names each bad field in one ConfigError', () => {
    const bad = {
      chain: { chainId: 0, deployment: '' },
      payment: {
        maxPricePerKWh: 'cheap',
        deposit: '-1',
        preference: 'cash',
        channels: [{ channelId: '0x12', operator: '0xnope' }],
      },
      charge: { stopAtEnergyWh: 0, stopAtSoc: 80 },
      tolerance: { fraction: 2 },
      link: { silenceTimeoutMs: 0 },
    }
    let error: unknown
    try {
      parseConfig('car.json', bad, vehicleConfigSchema)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const paths = (error as ConfigError).issues.map((issue) => issue.path)
    for (const path of [
      'chain.chainId',
      'chain.deployment',
      'payment.maxPricePerKWh',
      'payment.deposit',
      'payment.preference',
      'payment.channels[0].channelId',
      'payment.channels[0].operator',
      'charge.stopAtEnergyWh',
      'charge.stopAtSoc',
      'tolerance.fraction',
      'link.silenceTimeoutMs',
    ])
      expect(paths).toContain(path)
    expect((error as ConfigError).message).toMatch(/car\.json/)
  })
})
