import {
  createChargeChainClient,
  type Deployment,
  loadKeystoreSigner,
  readDeployment,
} from '@chargechain/chain'
import type { Database } from '@chargechain/db'
import { createIndexer, type Indexer } from '@chargechain/indexer'
import type { ChannelVoucherVerifier } from '@chargechain/ocpp'
import { type ChannelSettler, createChannelSettler } from '@chargechain/settler'
import type { Logger } from 'pino'
import { createClient, http } from 'viem'
import { channelVoucherVerifier } from '../channelVouchers.js'
import { UsageError } from '../errors.js'

/** The variable the operator keystore's password comes from: a server asks nobody at a terminal. */
export const keyPasswordVariable = 'CHARGECHAIN_KEY_PASSWORD'

export interface ChainSettings {
  rpc: string | undefined
  deployment: string | undefined
  confirmations: number
  /** The operator's keystore: channels of that operator are settled on chain. */
  operatorKeystore: string | undefined
  settleIntervalSeconds: number
}

export interface ChainParts {
  indexer: Indexer | undefined
  /** Checks the cars' channel vouchers piles report, under the deployment's PaymentChannels domain. */
  verifyChannelVoucher: ChannelVoucherVerifier | undefined
  settler: { settler: ChannelSettler; operator: string; intervalSeconds: number } | undefined
}

/** The parts of the server that work on the chain: the indexer (with --rpc), the channel settler (with a key). */
export async function chainParts(
  settings: ChainSettings,
  database: Database,
  logger: Logger,
  env: NodeJS.ProcessEnv,
): Promise<ChainParts> {
  if ((settings.rpc === undefined) !== (settings.deployment === undefined))
    throw new UsageError(
      'The indexer needs both --rpc and --deployment (or CHARGECHAIN_RPC and CHARGECHAIN_DEPLOYMENT), or neither.',
    )
  if (settings.operatorKeystore !== undefined && settings.rpc === undefined)
    throw new UsageError(
      'Settling channels needs the chain: give --rpc and --deployment with --operator-keystore.',
    )
  const password = env[keyPasswordVariable]
  if (settings.operatorKeystore !== undefined && !password)
    throw new UsageError(`The operator keystore needs its password in ${keyPasswordVariable}.`)
  if (settings.rpc === undefined || settings.deployment === undefined)
    return { indexer: undefined, verifyChannelVoucher: undefined, settler: undefined }

  const deployment: Deployment = await readDeployment(settings.deployment)
  const indexer = createIndexer({
    database,
    client: createClient({ transport: http(settings.rpc) }),
    deployment,
    confirmations: settings.confirmations,
    logger: logger.child({ part: 'indexer' }),
  })
  indexer.done.catch((error: unknown) => logger.error({ err: error }, 'the chain indexer stopped'))
  const verify = channelVoucherVerifier(deployment)
  if (settings.operatorKeystore === undefined || !password)
    return { indexer, verifyChannelVoucher: verify, settler: undefined }

  const signer = await loadKeystoreSigner({ path: settings.operatorKeystore, password })
  const operator = createChargeChainClient({ deployment, rpcUrl: settings.rpc, signer })
  const settler = createChannelSettler({
    database,
    operators: [operator],
    intervalMs: settings.settleIntervalSeconds * 1000,
    logger: logger.child({ part: 'settler' }),
  })
  return {
    indexer,
    verifyChannelVoucher: verify,
    settler: { settler, operator: signer.address, intervalSeconds: settings.settleIntervalSeconds },
  }
}
