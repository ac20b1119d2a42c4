import {
  demoTokenBytecode,
  paymentChannelsBytecode,
  pileRegistryBytecode,
  sessionEscrowBytecode,
} from '@chargechain/contracts'
import type { Abi, Account, Address, Chain, Client, Hex, TransactionReceipt, Transport } from 'viem'
import { deployContract, getChainId, waitForTransactionReceipt } from 'viem/actions'
import { demoTokenAbi, paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi } from '../contracts/abis.js'
import { DeploymentFailedError } from '../errors/deployment.js'
import { InvalidParameterError } from '../errors/parameters.js'
import { assertAddress } from '../utils/assert.js'
import { type Deployment, parseDeployment, writeDeployment } from './deployment.js'

/** The contracts' bound on every waiting period (`WindowOutOfRange` beyond it): 365 days. */
const maxWindow = 365 * 24 * 3600

export interface DeployChargeChainParameters {
  /** Decides escrow disputes. */
  arbiter: Address
  /** Seconds a pile keeps to settle after a refund request (1 s to 365 days, as the contracts require). */
  settleWindow: number
  /** Seconds the arbiter has to decide a dispute (1 s to 365 days). */
  disputeWindow: number
  /** Seconds an operator keeps to settle a channel after a close request (1 s to 365 days). */
  challengePeriod: number
  /** Also deploy the DemoToken (dev chains and tests). */
  demoToken?: boolean
  /** Write the manifest to this file too. */
  path?: string
  confirmations?: number
}
export type DeployChargeChainReturnType = Deployment
export type DeployChargeChainErrorType = DeploymentFailedError | InvalidParameterError

/** Deploys PileRegistry, SessionEscrow, PaymentChannels (and optionally DemoToken) and returns their manifest. */
export async function deployChargeChain(
  client: Client<Transport, Chain | undefined, Account>,
  parameters: DeployChargeChainParameters,
): Promise<DeployChargeChainReturnType> {
  const { arbiter, settleWindow, disputeWindow, challengePeriod, confirmations = 1 } = parameters
  assertAddress('deployChargeChain', 'arbiter', arbiter)
  for (const [field, value] of Object.entries({ settleWindow, disputeWindow, challengePeriod }))
    if (!Number.isSafeInteger(value) || value < 1 || value > maxWindow)
      throw new InvalidParameterError(
        'deployChargeChain',
        field,
        `a whole number of seconds from 1 to ${maxWindow}`,
      )

  const deploy = async (name: string, abi: Abi, bytecode: Hex, args: readonly unknown[]) => {
    let receipt: TransactionReceipt
    try {
      const hash = await deployContract(client, {
        abi,
        bytecode,
        args,
        account: client.account,
        chain: client.chain,
      } as Parameters<typeof deployContract>[1])
      receipt = await waitForTransactionReceipt(client, { hash, confirmations })
    } catch (error) {
      throw new DeploymentFailedError(name, 'the transaction was not accepted', error)
    }
    if (receipt.status !== 'success' || !receipt.contractAddress)
      throw new DeploymentFailedError(name, `its transaction ${receipt.transactionHash} reverted`)
    return { address: receipt.contractAddress, blockNumber: receipt.blockNumber }
  }

  const chainId = client.chain?.id ?? (await getChainId(client))
  const registry = await deploy('PileRegistry', pileRegistryAbi, pileRegistryBytecode, [])
  const escrow = await deploy('SessionEscrow', sessionEscrowAbi, sessionEscrowBytecode, [
    registry.address,
    arbiter,
    BigInt(settleWindow),
    BigInt(disputeWindow),
  ])
  const channels = await deploy('PaymentChannels', paymentChannelsAbi, paymentChannelsBytecode, [
    BigInt(challengePeriod),
  ])
  const token = parameters.demoToken
    ? await deploy('DemoToken', demoTokenAbi, demoTokenBytecode, [])
    : undefined

  const deployment = parseDeployment({
    version: 2,
    chainId,
    startBlock: Number(registry.blockNumber),
    contracts: {
      pileRegistry: registry.address,
      sessionEscrow: escrow.address,
      paymentChannels: channels.address,
      ...(token ? { demoToken: token.address } : {}),
    },
    arbiter,
    settleWindow,
    disputeWindow,
    challengePeriod,
    deployer: client.account.address,
    deployedAt: new Date().toISOString(),
  })
  if (parameters.path) await writeDeployment(parameters.path, deployment)
  return deployment
}
