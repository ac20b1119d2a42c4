import { randomBytes } from 'node:crypto'
import { type Address, bytesToHex, type Hex, isAddressEqual, parseEventLogs, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { InvalidParameterError } from '../../errors/parameters.js'
import { MissingEventError } from '../../errors/session.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { approveIfNeeded } from '../token/approveIfNeeded.js'
import { signPermit } from '../token/signPermit.js'

export type OpenChannelParameters = WriteOptions & {
  /** The operator's payout address (the one its piles advertise). */
  operator: Address
  /** ERC-20 token; the native coin when omitted. */
  currency?: Address
  deposit: bigint
  /** Distinguishes channels with the same operator and currency; random by default. */
  salt?: Hex
  /** How an ERC-20 deposit is paid: `permit` (default) or `approve`. */
  payment?: 'permit' | 'approve'
}
export type OpenChannelReturnType = WriteResult & { channelId: Hex }
export type OpenChannelErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | InvalidParameterError

/** The vehicle opens a payment channel with an operator, once, for many sessions at its piles. */
export async function openChannel(
  client: ChargeChainReadClient,
  {
    operator,
    currency = zeroAddress,
    deposit,
    salt = bytesToHex(randomBytes(32)),
    payment = 'permit',
    ...options
  }: OpenChannelParameters,
): Promise<OpenChannelReturnType> {
  if (deposit <= 0n || deposit >= 2n ** 96n)
    throw new InvalidParameterError('openChannel', 'deposit', 'more than 0 and below 2^96')
  const channels = client.deployment.contracts.paymentChannels
  let result: WriteResult
  if (currency !== zeroAddress && payment === 'permit') {
    const { deadline, v, r, s } = await signPermit(client, {
      account: options.account,
      token: currency,
      spender: channels,
      value: deposit,
    })
    result = await submit(client, options, {
      address: channels,
      abi: paymentChannelsAbi,
      functionName: 'openChannelWithPermit',
      args: [operator, currency, deposit, salt, deadline, v, r, s],
    })
  } else {
    if (currency !== zeroAddress)
      await approveIfNeeded(client, { ...options, token: currency, spender: channels, amount: deposit })
    result = await submit(client, options, {
      address: channels,
      abi: paymentChannelsAbi,
      functionName: 'openChannel',
      args: [operator, currency, deposit, salt],
      value: currency === zeroAddress ? deposit : 0n,
    })
  }
  const [opened] = parseEventLogs({
    abi: paymentChannelsAbi,
    eventName: 'ChannelOpened',
    logs: result.receipt.logs.filter((log) => isAddressEqual(log.address, channels)),
  })
  if (!opened) throw new MissingEventError('ChannelOpened', result.hash)
  return { ...result, channelId: opened.args.channelId }
}
