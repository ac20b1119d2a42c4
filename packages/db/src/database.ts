import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type * as schema from './schema/index.js'

export type Schema = typeof schema

/**
 * The database every query takes: PGlite's and PostgreSQL's drizzle instances both are one, and so is a
 * transaction opened on either, so a query runs alone or inside a caller's transaction alike.
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema>

/** What a listener is told: each payload, and `onGap` when some may have been lost (a reconnect). */
export interface ListenHandlers {
  onMessage(payload: string): void
  onGap?(): void
}

export type Unlisten = () => Promise<void>

/** Listens to a channel that `notify` sends on, in this process or any other on the same database. */
export type Listen = (channel: string, handlers: ListenHandlers) => Promise<Unlisten>

/** An open database: its drizzle instance, which engine serves it, and how to let it go. */
export interface Database {
  readonly db: Db
  readonly engine: 'pglite' | 'postgres'
  /** Where it lives: the data folder, `memory`, or the URL without its password. */
  readonly location: string
  /** Hears `notify` on `channel`: PGlite within this process, PostgreSQL from every instance. */
  readonly listen: Listen
  /** Closes the connections (and, for PGlite, flushes and unlocks the data folder). Safe to call twice. */
  close(): Promise<void>
}
