// Failures the indexer cannot act on (here its provider answering 503, as in an outage) are logged one by one, backed
// off, shown in `status()`, and bounded: after `maxRetries` retries the loop halts with an IndexerUnavailableError
// whose cause is the last failure; a success before that resets the count. Break tried: `failures > maxRetries`
// made `failures > Infinity` (the loop never halts and the first test times out).

import { testEngines } from '@chargechain/db/testing'
import { walk } from '@chargechain/errors'
import { pino } from 'pino'
import { HttpRequestError } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCappedProxy } from '../test/cappedProxy.js'
import { type Chain, indexerFor, registerPiles, startChain } from '../test/fixture.js'
import { IndexerUnavailableError } from './errors.js'

interface Line {
  msg: string
  failures?: number
}

/** A logger whose lines the test reads, and waits on. */
function recordingLogger() {
  const lines: Line[] = []
  const waiting: { match: (line: Line) => boolean; resolve: () => void }[] = []
  const logger = pino(
    { level: 'info' },
    {
      write(text: string) {
        const line = JSON.parse(text) as Line
        lines.push(line)
        for (const wait of waiting.filter((w) => w.match(line))) wait.resolve()
      },
    },
  )
  const next = (match: (line: Line) => boolean) =>
    new Promise<void>((resolve) => {
      waiting.push({ match, resolve })
    })
  return { logger, lines, next }
}

describe('an unreachable provider', () => {
  let c: Chain
  beforeAll(async () => {
    c = await startChain()
    await registerPiles(c, 'RETRY')
  }, 180_000)
  afterAll(() => c?.stop())

  // The database is not what fails here: PGlite is enough.
  const engine = testEngines[0]

  it('is retried with each failure logged, then halts after maxRetries with the last failure as cause', async () => {
    if (!engine) throw new Error('PGlite is always a test engine')
    const proxy = await startCappedProxy(c.chain.rpcUrl, {})
    const database = await engine.open()
    const { logger, lines } = recordingLogger()
    try {
      const indexer = indexerFor(
        database,
        { deployment: c.deployment, chain: proxy },
        { logger, maxRetries: 3, retryDelayMs: 10, pollIntervalMs: 10 },
      )
      await indexer.start()
      proxy.state.down = true
      const error = await indexer.done.then(
        () => undefined,
        (reason: unknown) => reason,
      )
      expect(error).toBeInstanceOf(IndexerUnavailableError)
      expect(error instanceof IndexerUnavailableError && error.failures).toBe(4)
      expect(walk(error, (inner) => inner instanceof HttpRequestError)).toBeInstanceOf(HttpRequestError)
      expect(indexer.status()).toMatchObject({ state: 'halted', failures: 3 })
      expect(
        lines.filter((line) => line.msg === 'sync failed; retrying').map((line) => line.failures),
      ).toEqual([1, 2, 3])
      expect(lines.at(-1)?.msg).toBe('indexer stopped')
    } finally {
      await database.close()
      await proxy.close()
    }
  }, 180_000)

  it('resets the count after a success, and shows retrying meanwhile', async () => {
    if (!engine) throw new Error('PGlite is always a test engine')
    const proxy = await startCappedProxy(c.chain.rpcUrl, {})
    const database = await engine.open()
    const { logger, next } = recordingLogger()
    try {
      const indexer = indexerFor(
        database,
        { deployment: c.deployment, chain: proxy },
        { logger, maxRetries: 3, retryDelayMs: 200, pollIntervalMs: 10 },
      )
      await indexer.start()
      const secondFailure = next((line) => line.failures === 2)
      proxy.state.down = true
      await secondFailure
      expect(indexer.status()).toMatchObject({ state: 'retrying', failures: 2 })
      expect(indexer.status().lastError).toBeInstanceOf(Error)
      const applied = next((line) => line.msg === 'blocks applied')
      proxy.state.down = false
      await c.passTime(1)
      await applied
      // Joins the sync in flight, if any: the loop has noted its outcome when this resolves.
      await indexer.syncOnce()
      expect(indexer.status()).toEqual({ state: 'running', failures: 0 })
      await indexer.stop()
      expect(indexer.status().state).toBe('stopped')
    } finally {
      await database.close()
      await proxy.close()
    }
  }, 180_000)
})
