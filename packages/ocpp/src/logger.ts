/** The logging this package does: pino's method shape, so a pino logger fits; silent when none is given. */
export interface OcppLogger {
  debug(fields: object, message?: string): void
  info(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  error(fields: object, message?: string): void
}

const ignore = () => {}

export const silentLogger: OcppLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore }
