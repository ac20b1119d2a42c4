import { type Address, type Hex, hashTypedData, parseSignature, size } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { InvalidSignatureError } from '../errors/eip712.js'
import { InvalidParameterError } from '../errors/parameters.js'
import { recoverChannelVoucherSigner, signChannelVoucher, verifyChannelVoucher } from './channelVoucher.js'
import {
  escrowVoucherDomain,
  recoverVoucherSigner,
  signVoucher,
  verifyVoucher,
  voucherTypes,
} from './escrowVoucher.js'
import { normalizeSignature, toCompactSignature } from './signature.js'
import {
  createVehicleAuthNonce,
  recoverVehicleAuth,
  signVehicleAuth,
  verifyVehicleAuth,
} from './vehicleAuth.js'

const car = privateKeyToAccount(generatePrivateKey())
const registry: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const otherContract: Address = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const pileId = `0x${'11'.repeat(32)}` as Hex
const sessionId = `0x${'22'.repeat(32)}` as Hex
const channelId = `0x${'33'.repeat(32)}` as Hex

describe('VehicleAuth', () => {
  const nonce = createVehicleAuthNonce()
  const context = { chainId: 31337, registry, pileId, nonce }

  it('recovers the car that signed the challenge, from 65 or 64 bytes', async () => {
    const signature = await signVehicleAuth({ account: car, ...context })
    expect(await recoverVehicleAuth({ ...context, signature })).toBe(car.address)
    const compact = toCompactSignature(signature)
    expect(size(compact)).toBe(64)
    expect(await verifyVehicleAuth({ ...context, signature: compact, address: car.address })).toBe(true)
  })

  it('recovers another address for any other chain, registry, pile or nonce', async () => {
    const signature = await signVehicleAuth({ account: car, ...context })
    const variants = [
      { ...context, chainId: 1 },
      { ...context, registry: otherContract },
      { ...context, pileId: `0x${'12'.repeat(32)}` as Hex },
      { ...context, nonce: createVehicleAuthNonce() },
    ]
    for (const variant of variants) {
      expect(await recoverVehicleAuth({ ...variant, signature })).not.toBe(car.address)
      expect(await verifyVehicleAuth({ ...variant, signature, address: car.address })).toBe(false)
    }
  })

  it('makes a fresh 16-byte nonce every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createVehicleAuthNonce))
    expect(nonces.size).toBe(100)
    for (const n of nonces) expect(size(n as Hex)).toBe(16)
  })

  it('refuses malformed fields before signing', async () => {
    await expect(signVehicleAuth({ account: car, ...context, nonce: '0x1234' })).rejects.toThrow(
      /VehicleAuth: nonce must be 16 bytes/,
    )
    await expect(signVehicleAuth({ account: car, ...context, pileId: '0x00' })).rejects.toBeInstanceOf(
      InvalidParameterError,
    )
    await expect(signVehicleAuth({ account: car, ...context, registry: '0x1234' })).rejects.toThrow(
      /registry/,
    )
    await expect(signVehicleAuth({ account: car, ...context, chainId: 0 })).rejects.toThrow(/chainId/)
  })
})

describe('escrow Voucher', () => {
  const context = {
    chainId: 31337,
    escrow: registry,
    sessionId,
    energyWh: 1_500n,
    chargingSeconds: 1_800,
    idleSeconds: 60,
    amount: 450_000n,
  }

  it('signs the exact EIP-712 digest the contract checks, and verifies it', async () => {
    const signature = await signVoucher({ account: car, ...context })
    const digest = hashTypedData({
      domain: escrowVoucherDomain(context),
      types: voucherTypes,
      primaryType: 'Voucher',
      message: { sessionId, energyWh: 1_500n, chargingSeconds: 1_800, idleSeconds: 60, amount: 450_000n },
    })
    expect(await car.sign({ hash: digest })).toBe(signature)
    expect(await verifyVoucher({ ...context, signature, vehicle: car.address })).toBe(true)
  })

  it('does not verify for another session, amount, energy, contract or chain', async () => {
    const signature = await signVoucher({ account: car, ...context })
    for (const variant of [
      { ...context, sessionId: channelId },
      { ...context, amount: 450_001n },
      { ...context, energyWh: 1_501n },
      { ...context, chargingSeconds: 1_801 },
      { ...context, idleSeconds: 61 },
      { ...context, escrow: otherContract },
      { ...context, chainId: 1337 },
    ]) {
      expect(await recoverVoucherSigner({ ...variant, signature })).not.toBe(car.address)
    }
  })

  it('does not verify a voucher signed for the escrow before terms and tariffs (domain version 1)', async () => {
    const { chargingSeconds: _, idleSeconds: __, ...v1Message } = context
    const signature = await car.signTypedData({
      domain: { ...escrowVoucherDomain(context), version: '1' },
      types: {
        Voucher: [
          { name: 'sessionId', type: 'bytes32' },
          { name: 'energyWh', type: 'uint64' },
          { name: 'amount', type: 'uint256' },
        ],
      },
      primaryType: 'Voucher',
      message: { sessionId: v1Message.sessionId, energyWh: v1Message.energyWh, amount: v1Message.amount },
    })
    expect(escrowVoucherDomain(context).version).toBe('2')
    expect(await verifyVoucher({ ...context, signature, vehicle: car.address })).toBe(false)
  })

  it('refuses energy beyond uint64, seconds beyond uint32 and negative amounts', async () => {
    await expect(signVoucher({ account: car, ...context, energyWh: 2n ** 64n })).rejects.toThrow(/energyWh/)
    await expect(signVoucher({ account: car, ...context, chargingSeconds: 2 ** 32 })).rejects.toThrow(
      /chargingSeconds/,
    )
    await expect(signVoucher({ account: car, ...context, idleSeconds: -1 })).rejects.toThrow(/idleSeconds/)
    await expect(signVoucher({ account: car, ...context, amount: -1n })).rejects.toThrow(/amount/)
  })
})

describe('ChannelVoucher', () => {
  const context = { chainId: 31337, channels: otherContract, channelId, cumulativeAmount: 10n ** 18n }

  it('signs and verifies; another channel or contract recovers someone else', async () => {
    const signature = await signChannelVoucher({ account: car, ...context })
    expect(await verifyChannelVoucher({ ...context, signature, vehicle: car.address })).toBe(true)
    expect(await recoverChannelVoucherSigner({ ...context, channelId: sessionId, signature })).not.toBe(
      car.address,
    )
    expect(await recoverChannelVoucherSigner({ ...context, channels: registry, signature })).not.toBe(
      car.address,
    )
  })

  it('is a different domain from the escrow: an escrow voucher never passes as a channel voucher', async () => {
    const escrowSignature = await signVoucher({
      account: car,
      chainId: 31337,
      escrow: otherContract,
      sessionId: channelId,
      energyWh: 0n,
      chargingSeconds: 0,
      idleSeconds: 0,
      amount: 10n ** 18n,
    })
    expect(await verifyChannelVoucher({ ...context, signature: escrowSignature, vehicle: car.address })).toBe(
      false,
    )
  })
})

describe('signature forms', () => {
  it('converts 65 ⇄ 64 bytes without loss', async () => {
    for (let i = 0; i < 20; i++) {
      const signature = await car.signMessage({ message: `m${i}` })
      const compact = toCompactSignature(signature)
      expect(normalizeSignature(compact)).toBe(signature)
      expect(toCompactSignature(compact)).toBe(compact)
    }
  })

  it('accepts v as 0/1 and normalises it to 27/28', async () => {
    const signature = await car.signMessage({ message: 'v' })
    const { r, s, yParity } = parseSignature(signature)
    const raw = `${r}${s.slice(2)}${yParity === 0 ? '00' : '01'}` as Hex
    expect(normalizeSignature(raw)).toBe(signature)
  })

  it('rejects wrong lengths, non-hex, bad v and high-s', async () => {
    const signature = await car.signMessage({ message: 'x' })
    expect(() => normalizeSignature('0x1234')).toThrow(InvalidSignatureError)
    expect(() => normalizeSignature('hello' as Hex)).toThrow(/not 0x-prefixed hex/)
    expect(() => normalizeSignature(`${signature.slice(0, 130)}05` as Hex)).toThrow(/v byte/)
    const { r, s, yParity } = parseSignature(signature)
    const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const highS = (order - BigInt(s)).toString(16).padStart(64, '0')
    const malleable = `${r}${highS}${yParity === 0 ? '1c' : '1b'}` as Hex
    expect(() => normalizeSignature(malleable)).toThrow(/upper half/)
  })
})
