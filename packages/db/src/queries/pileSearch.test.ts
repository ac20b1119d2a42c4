// Pile search for the operator's table and the fleet overview's counts. Breaks tried: dropping the escape of `%`
// in searchPiles (the literal "100%" search then matches every pile), and swapping the faulted and charging cases
// in countPilesByState (a pile with one faulted and one charging connector then counts as charging).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { InvalidParameterError } from '../errors.js'
import { testEngines } from '../testing/index.js'
import { countPilesByState, createPile, searchPiles, setConnectorStatus } from './piles.js'

const admin = { accountId: null, name: 'cli' }

for (const engine of testEngines) {
  describe(`pile search on ${engine.name}`, () => {
    let database: Database
    const ids: Record<string, number> = {}
    beforeAll(async () => {
      database = await engine.open()
      const { db } = database
      for (const [dmid, name, brand, ratedPowerW] of [
        ['SH-1', 'Shanghai east', 'Teld', 7000],
        ['SH-2', 'Shanghai 100% solar', 'Star', 22000],
        ['BJ-1', 'Beijing', 'Teld', 60000],
        ['GZ-1', "Guangzhou'; drop table piles; --", null, null],
      ] as const) {
        const pile = await createPile(db, { dmid, name, brand, ratedPowerW }, admin)
        ids[dmid] = pile.id
      }
    })
    afterAll(() => database?.close())

    it('finds words in any text field, taken literally, with the total', async () => {
      const { db } = database
      const shanghai = await searchPiles(db, { search: 'shanghai' })
      expect(shanghai.piles.map((p) => p.dmid)).toEqual(['SH-1', 'SH-2'])
      expect(shanghai.total).toBe(2)
      expect((await searchPiles(db, { search: 'teld' })).piles.map((p) => p.dmid)).toEqual(['SH-1', 'BJ-1'])
      expect((await searchPiles(db, { search: '100%' })).piles.map((p) => p.dmid)).toEqual(['SH-2'])
      expect((await searchPiles(db, { search: '%' })).piles.map((p) => p.dmid)).toEqual(['SH-2'])
      expect((await searchPiles(db, { search: '_' })).total).toBe(0)
      expect((await searchPiles(db, { search: "'; drop table" })).piles.map((p) => p.dmid)).toEqual(['GZ-1'])
      expect((await searchPiles(db)).total).toBe(4)
    })

    it('sorts by a column either way (empty values last) and pages by offset', async () => {
      const { db } = database
      const byPower = await searchPiles(db, { sort: 'ratedPowerW', direction: 'desc' })
      expect(byPower.piles.map((p) => p.dmid)).toEqual(['BJ-1', 'SH-2', 'SH-1', 'GZ-1'])
      const page = await searchPiles(db, { sort: 'dmid', offset: 1, limit: 2 })
      expect(page.piles.map((p) => p.dmid)).toEqual(['GZ-1', 'SH-1'])
      expect(page.total).toBe(4)
      await expect(searchPiles(db, { limit: 0 })).rejects.toBeInstanceOf(InvalidParameterError)
      await expect(searchPiles(db, { offset: -1 })).rejects.toBeInstanceOf(InvalidParameterError)
    })

    it('counts piles by their worst connector', async () => {
      const { db } = database
      const at = new Date()
      const status = (dmid: string, connector: number, s: 'faulted' | 'charging' | 'available' | 'offline') =>
        setConnectorStatus(db, { pileId: ids[dmid] ?? 0, connector, status: s, at })
      await status('SH-1', 1, 'faulted')
      await status('SH-1', 2, 'charging')
      await status('SH-2', 1, 'charging')
      await status('BJ-1', 1, 'available')
      await status('BJ-1', 2, 'offline')
      expect(await countPilesByState(db)).toEqual({ faulted: 1, charging: 1, online: 1, offline: 1 })
    })
  })
}
