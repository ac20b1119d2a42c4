import { escrowDomain, voucherTypes } from '@chargechain/contracts'
import { type Address, getAddress, type Hex, isAddressEqual, type LocalAccount } from 'viem'
import { assertAddress, assertBytes, assertChainId, assertUint, assertUint32 } from '../utils/assert.js'
import { recoverSigner } from './recover.js'

/**
 * Cumulative for the session: each voucher replaces the previous one. `amount` may be at most the session tariff's
 * cost of the energy and time (see `tariffCost`).
 */
export type VoucherMessage = {
  sessionId: Hex
  energyWh: bigint
  /** Seconds charged so far. */
  chargingSeconds: number
  /** Seconds idled once the car was full (overstay). */
  idleSeconds: number
  amount: bigint
}

export interface EscrowContext {
  chainId: number
  escrow: Address
}

/** The escrow's EIP-712 domain; the name and version come from @chargechain/contracts, the one definition. */
export function escrowVoucherDomain({ chainId, escrow }: EscrowContext) {
  assertChainId('Voucher', chainId)
  assertAddress('Voucher', 'escrow', escrow)
  return { ...escrowDomain, chainId, verifyingContract: getAddress(escrow) } as const
}

export type SignVoucherParameters = EscrowContext & VoucherMessage & { account: LocalAccount }

/** The car signs what it owes so far for an escrow session. */
export async function signVoucher({ account, ...parameters }: SignVoucherParameters): Promise<Hex> {
  return account.signTypedData({
    domain: escrowVoucherDomain(parameters),
    types: voucherTypes,
    primaryType: 'Voucher',
    message: voucherMessage(parameters),
  })
}

export type RecoverVoucherSignerParameters = EscrowContext & VoucherMessage & { signature: Hex }

export async function recoverVoucherSigner(parameters: RecoverVoucherSignerParameters): Promise<Address> {
  return recoverSigner({
    domain: escrowVoucherDomain(parameters),
    types: voucherTypes,
    primaryType: 'Voucher',
    message: voucherMessage(parameters),
    signature: parameters.signature,
  })
}

export type VerifyVoucherParameters = RecoverVoucherSignerParameters & { vehicle: Address }

/** True when the session's vehicle signed this voucher. */
export async function verifyVoucher(parameters: VerifyVoucherParameters): Promise<boolean> {
  return isAddressEqual(await recoverVoucherSigner(parameters), parameters.vehicle)
}

function voucherMessage({
  sessionId,
  energyWh,
  chargingSeconds,
  idleSeconds,
  amount,
}: VoucherMessage): VoucherMessage {
  assertBytes('Voucher', 'sessionId', sessionId, 32)
  assertUint('Voucher', 'energyWh', energyWh, 64)
  assertUint32('Voucher', 'chargingSeconds', chargingSeconds)
  assertUint32('Voucher', 'idleSeconds', idleSeconds)
  assertUint('Voucher', 'amount', amount, 256)
  return { sessionId, energyWh, chargingSeconds, idleSeconds, amount }
}

export { voucherTypes }
