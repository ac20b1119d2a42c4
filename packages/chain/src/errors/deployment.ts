import { BaseError } from '@chargechain/errors'

export class DeploymentNotFoundError extends BaseError {
  override readonly name = 'DeploymentNotFoundError'
  constructor(path: string, cause?: unknown) {
    super(
      `No deployment manifest at ${path}; pass --deployment <file> or deploy with \`chargechain deploy\`.`,
      {
        cause,
      },
    )
  }
}

export class InvalidDeploymentError extends BaseError {
  override readonly name = 'InvalidDeploymentError'
  readonly field: string
  constructor(source: string, field: string, problem: string, cause?: unknown) {
    super(`Deployment manifest ${source} is invalid: ${field}: ${problem}.`, { cause })
    this.field = field
  }
}

export class DeploymentChainMismatchError extends BaseError {
  override readonly name = 'DeploymentChainMismatchError'
  constructor(manifestChainId: number, rpcChainId: number) {
    super(
      `The deployment is for chain ${manifestChainId} but the RPC serves chain ${rpcChainId}; use the matching --rpc or --deployment.`,
    )
  }
}

export class DeploymentFailedError extends BaseError {
  override readonly name = 'DeploymentFailedError'
  constructor(contract: string, reason: string, cause?: unknown) {
    super(`Deploying ${contract} failed: ${reason}.`, { cause })
  }
}
