import { BaseError } from '@chargechain/errors'

/** Every error of the server package. */
export abstract class ServerError extends BaseError {}

/**
 * A request the API refuses with a status and a code the dashboard can switch on (`{ error: { code, message } }`).
 * Thrown by handlers and middleware; the error handler turns it into the response.
 */
export class HttpProblem extends ServerError {
  override readonly name = 'HttpProblem'
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503 | 504
  readonly code: string
  /** Seconds the client should wait (429, 503). */
  readonly retryAfterSeconds: number | undefined

  constructor(
    status: HttpProblem['status'],
    code: string,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.status = status
    this.code = code
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

export const unauthorized = () =>
  new HttpProblem(
    401,
    'unauthorized',
    'Sign in first: POST /api/auth/login, or send Authorization: Bearer <API token>.',
  )

export const forbidden = (what: string) => new HttpProblem(403, 'forbidden', `${what}; ask an admin.`)

/** The command line was wrong (exit code 2), as opposed to the operation failing (exit code 1). */
export class UsageError extends ServerError {
  override readonly name = 'UsageError'
}

/** The server could not listen (the port is taken, the address is not this machine's). */
export class ListenError extends ServerError {
  override readonly name = 'ListenError'

  constructor(where: string, cause: unknown) {
    super(`Cannot listen on ${where}; pick another --port or --host, or stop what holds it.`, { cause })
  }
}

/** TLS was asked for with a certificate or key that cannot be read. */
export class TlsConfigError extends ServerError {
  override readonly name = 'TlsConfigError'
}
