import { readFile, writeFile } from 'node:fs/promises'
import { getAddress, isAddress } from 'viem'
import { z } from 'zod'
import { DeploymentNotFoundError, InvalidDeploymentError } from '../errors/deployment.js'

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), 'expected a 20-byte 0x address')
  .transform((value) => getAddress(value))
const seconds = z
  .number()
  .int()
  .min(1)
  .max(365 * 24 * 3600)

/** Where ChargeChain lives on one chain: everything a client, an agent or the indexer needs to find it. */
export const deploymentSchema = z.object({
  /** 2: the money path with terms bound at opening and tariffs. A version-1 manifest names contracts this client cannot use. */
  version: z.literal(2, { error: 'expected 2; a version-1 deployment predates terms and tariffs: redeploy' }),
  chainId: z.number().int().positive(),
  /** Block of the first deployment transaction: the indexer starts reading events here. */
  startBlock: z.number().int().min(0),
  contracts: z.object({
    pileRegistry: address,
    sessionEscrow: address,
    paymentChannels: address,
    /** Test currency on dev chains only. */
    demoToken: address.optional(),
  }),
  arbiter: address,
  /** Seconds a pile has, after a refund request, to settle with its latest voucher. */
  settleWindow: seconds,
  /** Seconds the arbiter has to decide a dispute. */
  disputeWindow: seconds,
  /** Seconds an operator has, after a close request, to settle a channel's latest voucher. */
  challengePeriod: seconds,
  deployer: address,
  deployedAt: z.iso.datetime(),
})

export type Deployment = z.output<typeof deploymentSchema>
export type DeploymentContracts = Deployment['contracts']
export type ContractName = keyof DeploymentContracts

/** Validates a manifest already in memory; `source` names it in errors (a path, "env", …). */
export function parseDeployment(json: unknown, source = 'manifest'): Deployment {
  const result = deploymentSchema.safeParse(json)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new InvalidDeploymentError(
    source,
    issue?.path.join('.') || '(root)',
    issue?.message ?? 'invalid',
    result.error,
  )
}

export async function readDeployment(path: string): Promise<Deployment> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DeploymentNotFoundError(path, error)
    throw new InvalidDeploymentError(path, '(file)', 'it could not be read', error)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new InvalidDeploymentError(path, '(file)', 'it is not JSON', error)
  }
  return parseDeployment(json, path)
}

export async function writeDeployment(path: string, deployment: Deployment): Promise<void> {
  await writeFile(path, `${JSON.stringify(parseDeployment(deployment), null, 2)}\n`)
}
