import { BaseError } from '@chargechain/errors'

/** The server answered with an error (`{ error: { code, message } }`), or did not answer at all (`code` network). */
export class ApiError extends BaseError {
  override readonly name = 'ApiError'
  readonly status: number
  readonly code: string

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: string; cause?: unknown } = {},
  ) {
    super(message, { ...options, retryable: status === 0 || status >= 500 })
    this.status = status
    this.code = code
  }
}

type Body = Record<string, unknown> | unknown[]

/** Calls the API on this origin with the session cookie; JSON in and out; an error answer throws ApiError. */
export async function api<T>(path: string, options: { method?: string; body?: Body } = {}): Promise<T> {
  const { method = 'GET', body } = options
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch (cause) {
    throw new ApiError(0, 'network', 'The server cannot be reached; check the connection and try again.', {
      cause,
    })
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  const json = parseJson(text)
  if (!response.ok) throw errorOf(response, json, text)
  return json as T
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function errorOf(response: Response, json: unknown, text: string): ApiError {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error
  if (error && typeof error.message === 'string')
    return new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : 'error',
      error.message,
      error.details === undefined ? {} : { details: JSON.stringify(error.details) },
    )
  return new ApiError(
    response.status,
    response.status === 404 ? 'not_found' : 'error',
    `The server answered ${response.status} ${response.statusText}`.trim(),
    text === '' ? {} : { details: text.slice(0, 300) },
  )
}

/** A query string from the defined, non-empty values, in the order given. */
export function queryString(parameters: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(parameters))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}
