/** What the server logs through: pino's logger fits, and so does a silent stub in tests. */
export interface ServerLogger {
  info(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  error(fields: object, message?: string): void
}

export const silentLogger: ServerLogger = { info() {}, warn() {}, error() {} }
