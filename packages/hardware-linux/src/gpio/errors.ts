import { BaseError, type BaseErrorOptions } from '@chargechain/errors'

const install =
  'install the libgpiod v2 tools: `apt-get install gpiod` on Raspberry Pi OS / Debian 13 (trixie) or newer; ' +
  'bookworm ships v1.6, so upgrade the OS or build libgpiod ≥ 2.1 with --enable-tools'

/** A libgpiod tool is not installed (or not where the config says). */
export class GpioToolMissingError extends BaseError {
  override readonly name = 'GpioToolMissingError'
  readonly tool: string

  constructor(tool: string, options: BaseErrorOptions = {}) {
    super(`${tool} was not found; ${install}.`, options)
    this.tool = tool
  }
}

/** A libgpiod tool is older than v2.1: v1's command line differs and cannot drive the pile safely. */
export class GpioToolVersionError extends BaseError {
  override readonly name = 'GpioToolVersionError'
  readonly tool: string
  readonly version: string

  constructor(tool: string, version: string) {
    super(`${tool} is libgpiod ${version}, but ChargeChain needs the v2 tools (2.1 or newer); ${install}.`)
    this.tool = tool
    this.version = version
  }
}

/** A tool refused a request or died: a busy line, an unknown chip or line name, a kernel error. */
export class GpioToolError extends BaseError {
  override readonly name = 'GpioToolError'
}

/** A line's tool process ended while the line was in use; an output was driven off first. */
export class GpioLineLostError extends BaseError {
  override readonly name = 'GpioLineLostError'
}
