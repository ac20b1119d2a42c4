import { sql } from 'drizzle-orm'
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import type { Db } from './database.js'
import { DatabaseAheadError, MigrationChangedError } from './errors.js'
import { migrations as record } from './generated/migrations.js'

/** One SQL migration as drizzle-kit wrote it: its file name, the SHA-256 of its text, its statements in order. */
export interface Migration {
  tag: string
  hash: string
  statements: readonly string[]
}

export interface MigrateReturnType {
  /** Tags of the migrations this call applied, in order; empty when the database was current. */
  applied: string[]
}

/**
 * Which migrations the database has. Created by `migrate` itself, before any migration, so it is not part of the
 * schema drizzle-kit diffs.
 */
export const appliedMigrations = pgTable('chargechain_migrations', {
  tag: text().primaryKey(),
  hash: text().notNull(),
  appliedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

// Any fixed 64-bit number: the advisory lock every ChargeChain instance takes to migrate.
const MIGRATION_LOCK = 0x63_68_61_72_67_65

/**
 * Brings the database up to this build's schema: applies the migrations it lacks, in order, in one transaction.
 * Instances starting together on one PostgreSQL queue on an advisory lock, so each migration runs once. Refuses a
 * database migrated by a newer build, or one whose applied migrations differ from this build's.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = record): Promise<MigrateReturnType> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await tx.execute(sql`
      create table if not exists chargechain_migrations (
        tag text primary key,
        hash text not null,
        applied_at timestamptz not null default now()
      )`)
    const rows = await tx.select().from(appliedMigrations)
    const done = new Map(rows.map((row) => [row.tag, row.hash]))
    const known = new Set(migrations.map((migration) => migration.tag))
    const unknown = [...done.keys()].filter((tag) => !known.has(tag))
    if (unknown.length > 0) throw new DatabaseAheadError(unknown.sort())

    const applied: string[] = []
    for (const migration of migrations) {
      const hash = done.get(migration.tag)
      if (hash !== undefined) {
        if (hash !== migration.hash) throw new MigrationChangedError(migration.tag)
        continue
      }
      for (const statement of migration.statements) await tx.execute(sql.raw(statement))
      await tx.insert(appliedMigrations).values({ tag: migration.tag, hash: migration.hash })
      applied.push(migration.tag)
    }
    return { applied }
  })
}
