import {
  type ChargeChainClient,
  createChargeChainClient,
  loadKeystoreSigner,
  privateKeySigner,
  readDeployment,
  type Signer,
  verifyDeployment,
} from '@chargechain/chain'
import { type Address, type LocalAccount, zeroAddress } from 'viem'
import { formatAmount, parseAmount } from './amounts.js'
import { UsageError } from './errors.js'
import { readPassword } from './password.js'

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  rpc: string
  deployment: string
  keystore?: string
  privateKey?: string
  json?: boolean
}

export const defaultRpc = process.env.CHARGECHAIN_RPC ?? 'http://127.0.0.1:8545'
export const defaultDeploymentPath = process.env.CHARGECHAIN_DEPLOYMENT ?? 'deployment.json'

export async function loadSigner(options: GlobalOptions): Promise<Signer> {
  if (options.keystore && options.privateKey)
    throw new UsageError('Give either --keystore or --private-key, not both.')
  if (options.privateKey) return privateKeySigner(options.privateKey, 'private key from --private-key')
  if (options.keystore) {
    const password = await readPassword(`Password for ${options.keystore}: `)
    return loadKeystoreSigner({ path: options.keystore, password })
  }
  throw new UsageError('This command signs a transaction: pass --keystore <file> or --private-key <hex>.')
}

/** A client for the manifest's deployment, checked against the node; with the signer when the command writes. */
export async function connect(
  options: GlobalOptions,
  { write }: { write: boolean },
): Promise<ChargeChainClient> {
  const deployment = await readDeployment(options.deployment)
  const signer = write ? await loadSigner(options) : undefined
  const client = createChargeChainClient({ deployment, rpcUrl: options.rpc, signer })
  await verifyDeployment(client)
  return client
}

/** The signing key as a local account, for the EIP-712 signatures a command makes itself (vouchers). */
export function localAccount(client: ChargeChainClient): LocalAccount {
  const account = client.account
  if (account?.type !== 'local') throw new UsageError('This command signs: pass --keystore or --private-key.')
  return account
}

export function signerAddress(client: ChargeChainClient): Address {
  const account = client.account
  if (!account) throw new UsageError('This command needs --keystore or --private-key.')
  return account.address
}

/** Parses a human amount in the currency's own units (ether for native, token decimals otherwise). */
export async function amountIn(
  client: ChargeChainClient,
  currency: Address | undefined,
  option: string,
  value: string,
) {
  const { decimals } = await client.getCurrency({ currency: currency ?? zeroAddress })
  return parseAmount(option, value, decimals)
}

export async function formatIn(
  client: ChargeChainClient,
  currency: Address,
  amount: bigint,
): Promise<string> {
  const { decimals, symbol } = await client.getCurrency({ currency })
  return formatAmount(amount, decimals, symbol)
}

/** Prints a result: readable lines for people, or one JSON object (bigints as strings) with --json. */
export function print(options: GlobalOptions, lines: string[], json: Record<string, unknown>): void {
  if (options.json)
    console.log(
      JSON.stringify(json, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2),
    )
  else for (const line of lines) console.log(line)
}
