// `column` sends a batch's column as one PostgreSQL array literal: every value comes back from `unnest` exactly as
// it went in, on every test engine, whatever characters it holds (quotes, backslashes, braces, commas, spaces, the
// word NULL, an empty string) and in order beside another column. Break tried: quoting only values with a comma
// (the backslash, the braces and the string 'NULL' then come back changed or as SQL null).
import type { Database } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { column, query } from './sql.js'

const texts = [
  '0xabc',
  'plain',
  '',
  'NULL',
  'null',
  'a,b',
  '{x}',
  'say "hi"',
  'back\\slash',
  ' padded ',
  'tab\there',
  'line\nbreak',
  'ünïcödé ✓',
  null,
]

describe.each(testEngines)('column on $name', (engine) => {
  let database: Database
  beforeAll(async () => {
    database = await engine.open()
  })
  afterAll(() => database?.close())

  it('gives back every text value as it went in, in order beside a second column', async () => {
    const rows = texts.map((text, n) => ({ text, n }))
    const back = await query(
      database.db,
      sql`select ${column('text', rows, (row) => row.text)} as text, ${column('integer', rows, (row) => row.n)} as n`,
    )
    expect(back).toEqual(rows)
  })

  it('gives back numbers, bigints beyond 2^53, timestamps and nulls', async () => {
    const rows = [
      { amount: 123_456_789_012_345_678_901_234_567_890n, at: '2026-01-02T03:04:05.678Z' },
      { amount: null, at: null },
      { amount: 0n, at: '1970-01-01T00:00:00.000Z' },
    ]
    const back = await query(
      database.db,
      sql`select ${column('numeric', rows, (row) => row.amount)}::text as amount,
        to_char(${column('timestamptz', rows, (row) => row.at)} at time zone 'UTC',
          'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`,
    )
    expect(back).toEqual(rows.map((row) => ({ amount: row.amount?.toString() ?? null, at: row.at })))
  })
})
