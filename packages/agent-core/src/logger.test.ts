import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createLogger, logConfigSchema } from './logger.js'

it('writes JSON lines with name and pid to a file, honouring the level; loggers are independent', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'logger-')), 'logs', 'agent.log')
  const pile = createLogger({ name: 'pile-agent', level: 'warn', destination: path })
  const vehicle = createLogger({ name: 'vehicle-agent', level: 'debug', destination: path })
  pile.info('hidden')
  pile.warn({ state: 'charging' }, 'meter slow')
  vehicle.debug('shown')
  const lines = (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  expect(lines).toEqual([
    expect.objectContaining({
      name: 'pile-agent',
      pid: process.pid,
      level: 40,
      state: 'charging',
      msg: 'meter slow',
    }),
    expect.objectContaining({ name: 'vehicle-agent', level: 20, msg: 'shown' }),
  ])
})

it('reads the log section of a config: info unless set, and only the levels an agent logs at', () => {
  expect(logConfigSchema.parse(undefined)).toEqual({ level: 'info' })
  expect(logConfigSchema.parse({ level: 'debug' })).toEqual({ level: 'debug' })
  expect(logConfigSchema.safeParse({ level: 'trace' }).success).toBe(false)
  expect(logConfigSchema.safeParse({ level: 'info', file: 'x' }).success).toBe(false)
})
