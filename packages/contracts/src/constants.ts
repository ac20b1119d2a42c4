import { zeroAddress } from 'viem'

/** `currency` value meaning the chain's native coin; any other value is an ERC-20 token address. */
export const NATIVE_CURRENCY = zeroAddress

/** EIP-712 domain name and version of SessionEscrow; add `chainId` and `verifyingContract` (the escrow). */
export const escrowDomain = { name: 'ChargeChain Escrow', version: '2' } as const

/** EIP-712 domain name and version of PaymentChannels; add `chainId` and `verifyingContract` (the channels). */
export const channelDomain = { name: 'ChargeChain Channels', version: '1' } as const

/**
 * The vehicle's cumulative voucher for one escrow session (primaryType `Voucher`): energy and time so far, and the
 * amount it authorises (at most the tariff's cost of them).
 */
export const voucherTypes = {
  Voucher: [
    { name: 'sessionId', type: 'bytes32' },
    { name: 'energyWh', type: 'uint64' },
    { name: 'chargingSeconds', type: 'uint32' },
    { name: 'idleSeconds', type: 'uint32' },
    { name: 'amount', type: 'uint256' },
  ],
} as const

/** The vehicle's cumulative voucher over a payment channel's whole life (primaryType `ChannelVoucher`). */
export const channelVoucherTypes = {
  ChannelVoucher: [
    { name: 'channelId', type: 'bytes32' },
    { name: 'cumulativeAmount', type: 'uint256' },
  ],
} as const

/** `SessionEscrow.getSessionStatus` status values. */
export const SessionStatus = { None: 0, Open: 1, RefundRequested: 2 } as const

/** `PaymentChannels.getChannel` status values. */
export const ChannelStatus = { None: 0, Open: 1, Closing: 2, Closed: 3 } as const
