import { BaseError } from '@chargechain/errors'

export interface CompilerMessage {
  severity: 'error' | 'warning' | 'info'
  formattedMessage?: string
  message: string
}

/** solc reported errors: the contracts do not compile. */
export class ContractsCompileError extends BaseError {
  override readonly name = 'ContractsCompileError'
  readonly errors: readonly CompilerMessage[]
  constructor(errors: readonly CompilerMessage[]) {
    super(
      `The contracts do not compile (${errors.length} error(s)); fix the Solidity sources listed below.`,
      {
        details: errors.map((error) => (error.formattedMessage ?? error.message).trim()).join('\n\n'),
      },
    )
    this.errors = errors
  }
}

/** A Solidity import could not be found in the sources or in node_modules. */
export class ContractImportNotFoundError extends BaseError {
  override readonly name = 'ContractImportNotFoundError'
  constructor(path: string) {
    super(`Solidity import "${path}" was not found; run \`npm install\` or fix the import path.`)
  }
}
