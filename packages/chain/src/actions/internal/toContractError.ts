import {
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Hex,
  HttpRequestError,
  TimeoutError,
  BaseError as ViemBaseError,
  WebSocketRequestError,
} from 'viem'
import { chargeChainErrorAbi } from '../../contracts/abis.js'
import { ChainUnavailableError, ContractRevertedError, revertMessages } from '../../errors/contract.js'

/**
 * Turns what viem throws for a contract call into our typed errors: a revert becomes a `ContractRevertedError`
 * decoded against every ChargeChain error (so one bubbling up from the registry or a token still has its name),
 * an unreachable node a retryable `ChainUnavailableError`. Anything else is returned as it is.
 */
export function toContractError(error: unknown, functionName: string): unknown {
  if (!(error instanceof ViemBaseError)) return error
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
  if (reverted instanceof ContractFunctionRevertedError) return fromRevert(reverted, functionName, error)
  if (
    error.walk(
      (e) => e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WebSocketRequestError,
    )
  )
    return new ChainUnavailableError(error)
  return error
}

function fromRevert(reverted: ContractFunctionRevertedError, functionName: string, cause: unknown) {
  const decoded = decodeCustomError(reverted.raw)
  if (decoded)
    return new ContractRevertedError({
      functionName,
      reason: decoded.errorName,
      args: decoded.args ?? [],
      message: revertMessages[decoded.errorName],
      cause,
    })
  if (reverted.data?.errorName === 'Panic')
    return new ContractRevertedError({
      functionName,
      reason: 'Panic',
      args: reverted.data.args ?? [],
      message: `${functionName} failed an internal check of the contract (panic); report it with the details.`,
      cause,
    })
  if (reverted.reason !== undefined)
    return new ContractRevertedError({
      functionName,
      reason: 'Error',
      args: [reverted.reason],
      message: `${functionName} reverted: ${reverted.reason}.`,
      cause,
    })
  return new ContractRevertedError({
    functionName,
    reason: 'Unknown',
    message: `${functionName} reverted without a reason; check the addresses in the deployment manifest.`,
    cause,
  })
}

function decodeCustomError(raw: Hex | undefined) {
  if (!raw || raw.length < 10) return undefined
  try {
    const decoded = decodeErrorResult({ abi: chargeChainErrorAbi, data: raw })
    return decoded.errorName in revertMessages
      ? (decoded as typeof decoded & { errorName: keyof typeof revertMessages })
      : undefined
  } catch {
    return undefined
  }
}
