import { getBytecode, getChainId } from 'viem/actions'
import { toContractError } from '../actions/internal/toContractError.js'
import type { ChargeChainReadClient } from '../clients/types.js'
import { DeploymentChainMismatchError, InvalidDeploymentError } from '../errors/deployment.js'

export type VerifyDeploymentErrorType = DeploymentChainMismatchError | InvalidDeploymentError

/**
 * Checks the manifest against the node before anything is signed: the chain id matches and every contract it
 * names has code. Catches a manifest from another network or a dev chain that was restarted.
 */
export async function verifyDeployment(client: ChargeChainReadClient): Promise<void> {
  const { deployment } = client
  try {
    const chainId = await getChainId(client)
    if (chainId !== deployment.chainId) throw new DeploymentChainMismatchError(deployment.chainId, chainId)
    for (const [name, address] of Object.entries(deployment.contracts)) {
      const code = await getBytecode(client, { address })
      if (!code || code === '0x')
        throw new InvalidDeploymentError(
          'manifest',
          `contracts.${name}`,
          `no contract at ${address} on this chain`,
        )
    }
  } catch (error) {
    throw toContractError(error, 'verifyDeployment')
  }
}
