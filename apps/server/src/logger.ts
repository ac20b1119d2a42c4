/** What the server logs through: pino's logger fits, and so does a silent stub in tests. */
export interface ServerLogger {
  debug(fields: object, message?: string): void
  info(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  error(fields: object, message?: string): void
}

const ignore = () => {}

export const silentLogger: ServerLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore }
