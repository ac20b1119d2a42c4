import { type DestinationStream, type Level, type Logger, pino } from 'pino'
import { z } from 'zod'

export type { Logger }

/** The `log` section of an agent's config file: JSON lines on stdout at this level (default `info`). */
export const logConfigSchema = z
  .strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
  .prefault({})

export interface CreateLoggerOptions {
  /** The component, e.g. `pile-agent`; every line carries it. */
  name: string
  /** Default `info`. */
  level?: Level | 'silent'
  /**
   * Where JSON lines go: `stdout` (default), `stderr`, a file path (appended to), or any stream. Standard streams and
   * files are written synchronously so the last lines before a crash are not lost in a buffer.
   */
  destination?: 'stdout' | 'stderr' | string | DestinationStream
}

/** A JSON-lines logger. Each agent creates its own and hands it down; there is no shared module-level logger. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const { name, level = 'info', destination = 'stdout' } = options
  const stream =
    typeof destination !== 'string'
      ? destination
      : pino.destination({
          dest: destination === 'stdout' ? 1 : destination === 'stderr' ? 2 : destination,
          sync: true,
          mkdir: true,
        })
  return pino({ name, level, base: { name, pid: process.pid } }, stream)
}
