import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadConfig, parseConfig } from './config.js'
import { ConfigError } from './errors.js'

const schema = z.strictObject({
  pile: z.object({
    name: z.string().min(1),
    meter: z.object({
      port: z.string(),
      baudRate: z.union([z.literal(4800), z.literal(9600)]),
      slaveId: z.number().int().min(1).max(247),
    }),
    ratedPowerW: z.number().positive(),
  }),
  guns: z.array(z.object({ kind: z.enum(['ac', 'dc']) })),
})

const valid = {
  pile: { name: '上海 1', meter: { port: '/dev/ttyUSB1', baudRate: 4800, slaveId: 1 }, ratedPowerW: 7000 },
  guns: [{ kind: 'ac' }],
}

async function writeConfig(content: string) {
  const path = join(await mkdtemp(join(tmpdir(), 'config-')), 'pile.json')
  await writeFile(path, content)
  return path
}

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a ConfigError')
    },
    (error: unknown) => error as ConfigError,
  )

describe('loadConfig', () => {
  it('returns the parsed, typed config', async () => {
    const path = await writeConfig(JSON.stringify(valid))
    const config = await loadConfig(path, schema)
    expect(config.pile.meter.baudRate).toBe(4800)
  })

  it('lists every bad field by path with what was expected and what was found, and names the file', async () => {
    const path = await writeConfig(
      JSON.stringify({
        pile: { name: '', meter: { port: 3, baudRate: 'fast', slaveId: 300 } },
        guns: [{ kind: 'ac' }, { kind: 'hydrogen' }],
        colour: 'red',
      }),
    )
    const error = await errorOf(loadConfig(path, schema))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.file).toBe(path)
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue.problem]))
    expect(byPath).toMatchObject({
      'pile.meter.baudRate': expect.stringMatching(/^expected 4800 \| 9600, got "fast"$/),
      'pile.meter.port': 'expected string, got 3',
      'pile.meter.slaveId': expect.stringMatching(/<=247, got 300$/),
      'pile.name': expect.stringMatching(/got ""$/),
      'pile.ratedPowerW': 'expected number, got nothing',
      'guns[1].kind': 'expected "ac" | "dc", got "hydrogen"',
      '': expect.stringMatching(/unknown field colour/),
    })
    expect(error.message).toContain(`Config ${path}: 7 invalid fields`)
    expect(error.message).toContain('  pile.meter.baudRate: expected 4800 | 9600, got "fast"')
  })

  it('reports a missing file and broken JSON as ConfigError too', async () => {
    await expect(loadConfig('/nonexistent/pile.json', schema)).rejects.toThrow(
      'Config /nonexistent/pile.json: file not found',
    )
    const path = await writeConfig('{ "pile": ')
    await expect(loadConfig(path, schema)).rejects.toThrow(/not valid JSON/)
  })
})

describe('parseConfig', () => {
  it('validates values that did not come from a file, naming their source', () => {
    expect(() => parseConfig('embedded defaults', { ...valid, guns: 'two' }, schema)).toThrow(
      /Config embedded defaults: 1 invalid field.*\n {2}guns: expected array, got "two"/,
    )
  })

  it('describes a rejected value that holds bigints (token amounts) instead of failing on it', () => {
    const amounts = z.strictObject({ deposit: z.object({ wei: z.bigint().positive(), token: z.string() }) })
    expect(() => parseConfig('defaults', { deposit: 5n }, amounts)).toThrow(
      /deposit: expected object, got 5n/,
    )
    expect(() => parseConfig('defaults', { deposit: [{ wei: 1n }] }, amounts)).toThrow(
      /got \[\{"wei":"1n"\}\]/,
    )
  })
})
