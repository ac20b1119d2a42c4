import { type Deployment, verifyChannelVoucher } from '@chargechain/chain'
import type { ChannelVoucherVerifier } from '@chargechain/ocpp'

/** The OCPP endpoint's voucher check, bound to the deployment's chain and PaymentChannels contract. */
export function channelVoucherVerifier(deployment: Deployment): ChannelVoucherVerifier {
  return (voucher) =>
    verifyChannelVoucher({
      chainId: deployment.chainId,
      channels: deployment.contracts.paymentChannels,
      ...voucher,
    })
}
