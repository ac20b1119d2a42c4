import {
  ConflictError,
  DatabaseUnavailableError,
  DataDirInUseError,
  InvalidCursorError,
  InvalidParameterError,
  NotFoundError,
} from '@chargechain/db'
import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZodError } from 'zod'
import { HttpProblem } from '../errors.js'
import type { ServerLogger } from '../logger.js'
import { commandProblem } from '../ocpp.js'
import { ErrorSchema } from './schemas.js'

/** The JSON body of every error response. */
export function problemBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } }
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503 | 504
type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }

/** The errors a route may answer, for its OpenAPI entry. */
export function errorResponses<const S extends ErrorStatus>(...statuses: S[]): { [K in S]: ErrorResponse } {
  const out: Partial<Record<S, ErrorResponse>> = {}
  for (const status of statuses)
    out[status] = {
      description: descriptions[status],
      content: { 'application/json': { schema: ErrorSchema } },
    }
  return out as Record<S, ErrorResponse>
}

const descriptions = {
  400: 'The request is malformed: the message names the field',
  401: 'Not signed in',
  403: 'Signed in, but this account may not do it',
  404: 'No such thing',
  409: 'Conflicts with what is stored (a taken value, rows that refer to it)',
  413: 'The body is too large',
  429: 'Too many attempts; wait for Retry-After seconds',
  503: 'The charger is not connected to any server instance',
  504: 'The charger did not answer in time',
} as const

/** Words for a person from a failed validation: each issue with the field it is about. */
export function describeZodError(error: ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.')
      return `${path ? `${where} field "${path}"` : where}: ${issue.message}`
    })
    .join('; ')
}

/** The validation hook of every route: a 400 that names the field, never the handler with bad input. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
) {
  if (!result.success)
    return c.json(
      problemBody(
        'invalid_request',
        describeZodError(result.error, targetNames[result.target] ?? result.target),
        {
          issues: result.error.issues.map((issue) => ({
            path: issue.path.map(String),
            message: issue.message,
          })),
        },
      ),
      400,
    )
}

const targetNames: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' }

/** Maps every error to `{ error: { code, message } }`: known ones by their type, anything else a logged 500. */
export function errorHandler(logger: ServerLogger): ErrorHandler {
  return (error, c) => {
    const mapped = mapError(error)
    if (mapped) {
      if (mapped.retryAfterSeconds !== undefined) c.header('Retry-After', String(mapped.retryAfterSeconds))
      return c.json(problemBody(mapped.code, mapped.message), mapped.status)
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
    return c.json(problemBody('internal', 'The server failed on this request; it is logged. Try again.'), 500)
  }
}

interface Mapped {
  status: ContentfulStatusCode
  code: string
  message: string
  retryAfterSeconds?: number
}

function mapError(error: unknown): Mapped | undefined {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      code: error.code,
      message: error.shortMessage,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    }
  }
  if (error instanceof NotFoundError) return { status: 404, code: 'not_found', message: error.shortMessage }
  if (error instanceof ConflictError) return { status: 409, code: 'conflict', message: error.shortMessage }
  if (error instanceof InvalidParameterError || error instanceof InvalidCursorError)
    return { status: 400, code: 'invalid_request', message: error.shortMessage }
  if (error instanceof ZodError)
    return { status: 400, code: 'invalid_request', message: describeZodError(error, 'request') }
  if (error instanceof DatabaseUnavailableError || error instanceof DataDirInUseError)
    return { status: 503, code: 'database_unavailable', message: error.shortMessage, retryAfterSeconds: 5 }
  const command = commandProblem(error)
  if (command) return command
  if (error instanceof HTTPException) {
    if (error.status === 400 && /JSON/i.test(error.message))
      return {
        status: 400,
        code: 'invalid_request',
        message: 'The body is not valid JSON; send a JSON object with Content-Type: application/json.',
      }
    if (error.status === 415)
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: 'Send the body as JSON with Content-Type: application/json.',
      }
    return { status: error.status, code: codeOf(error.status), message: error.message || 'Refused.' }
  }
  return undefined
}

function codeOf(status: number): string {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not_found'
  if (status === 413) return 'payload_too_large'
  return status < 500 ? 'invalid_request' : 'internal'
}
