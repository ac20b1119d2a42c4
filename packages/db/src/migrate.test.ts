// Migrations: the committed record matches drizzle/ and the schema (a schema change without `npm run generate`
// fails "no change waits"; tried by adding a column), applying is idempotent and refuses foreign histories, and
// two instances starting together on one PostgreSQL apply each migration once (remove the advisory lock and the
// concurrent test fails with a duplicate type).
import { readFile } from 'node:fs/promises'
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drizzleFolder, recordFile, renderRecord } from '../scripts/record.js'
import type { Database } from './database.js'
import { DatabaseAheadError, MigrationChangedError } from './errors.js'
import { migrations } from './generated/migrations.js'
import { appliedMigrations, migrate } from './migrate.js'
import { openDatabase } from './open.js'
import * as schema from './schema/index.js'
import { createScratchDatabase, testDatabaseUrl, testEngines } from './testing/index.js'

describe('the migration record', () => {
  it('is what scripts/record.ts makes of drizzle/', async () => {
    expect(await readFile(recordFile, 'utf8')).toBe(await renderRecord())
  })

  it('covers the schema: no change waits for a migration', async () => {
    const journal: { entries: { idx: number }[] } = JSON.parse(
      await readFile(new URL('meta/_journal.json', drizzleFolder), 'utf8'),
    )
    const last = journal.entries.at(-1)?.idx ?? 0
    const snapshot = JSON.parse(
      await readFile(new URL(`meta/${String(last).padStart(4, '0')}_snapshot.json`, drizzleFolder), 'utf8'),
    )
    const current = generateDrizzleJson(schema, snapshot.id, undefined, 'snake_case')
    expect(await generateMigration(snapshot, current)).toEqual([])
  })
})

for (const engine of testEngines) {
  describe(`migrate on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('has applied every migration once, and a second run applies none', async () => {
      const rows = await database.db.select().from(appliedMigrations).orderBy(appliedMigrations.tag)
      expect(rows.map((row) => row.tag)).toEqual(migrations.map((migration) => migration.tag))
      expect(await migrate(database.db)).toEqual({ applied: [] })
    })

    it('refuses a database migrated by a newer build', async () => {
      await expect(migrate(database.db, migrations.slice(0, 1))).rejects.toBeInstanceOf(DatabaseAheadError)
    })

    it('refuses a migration that was edited after it was applied', async () => {
      const edited = migrations.map((migration, index) =>
        index === 0 ? { ...migration, hash: 'edited' } : migration,
      )
      await expect(migrate(database.db, edited)).rejects.toBeInstanceOf(MigrationChangedError)
    })
  })
}

describe.runIf(testDatabaseUrl)('two instances starting together on one PostgreSQL', () => {
  it('apply each migration once', async () => {
    const scratch = await createScratchDatabase(testDatabaseUrl ?? '')
    try {
      const [a, b] = await Promise.all([
        openDatabase({ engine: 'postgres', url: scratch.url }, { migrate: false }),
        openDatabase({ engine: 'postgres', url: scratch.url }, { migrate: false }),
      ])
      try {
        const results = await Promise.all([migrate(a.db), migrate(b.db)])
        expect(results.flatMap((result) => result.applied).sort()).toEqual(migrations.map((m) => m.tag))
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    } finally {
      await scratch.drop()
    }
  })
})
