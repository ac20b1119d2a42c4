import { spawn, spawnSync } from 'node:child_process'
import { constants, openSync } from 'node:fs'
import tty from 'node:tty'
import { afterEach, describe, expect, it } from 'vitest'
import { AckTimeoutError, SessionClosedError, TransportClosedError } from '../errors.js'
import { filled } from '../messages/fixtures.js'
import { createSession } from '../session.js'
import { concat } from '../testing.js'
import { countBytes } from './countBytes.js'
import type { LinkTransport } from './createTransport.js'
import { memoryPair } from './memory.js'
import { stream } from './stream.js'
import { tcp, tcpServer } from './tcp.js'
import { throttled } from './throttled.js'

type Pair = { a: LinkTransport; b: LinkTransport; cleanup(): Promise<void> }

async function tcpPair(): Promise<Pair> {
  const server = await tcpServer()
  const [a, b] = await Promise.all([tcp({ port: server.port }), server.accept()])
  return { a, b, cleanup: () => server.close() }
}

const socatAvailable = spawnSync('socat', ['-V']).status === 0

/** Two pseudo-terminals joined by socat, read and written through node's tty streams: a serial cable in software. */
async function ptyPair(): Promise<Pair> {
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'])
  const paths = await new Promise<[string, string]>((resolve, reject) => {
    let log = ''
    socat.once('error', reject)
    socat.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      const [first, second] = [...log.matchAll(/PTY is (\S+)/g)].map((match) => match[1])
      if (first && second && log.includes('starting data transfer')) resolve([first, second])
    })
  })
  const open = (path: string) => {
    const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY)
    return stream({ readable: new tty.ReadStream(fd), writable: new tty.WriteStream(fd) }, { name: path })
  }
  const a = open(paths[0])
  const b = open(paths[1])
  return {
    a,
    b,
    async cleanup() {
      if (socat.exitCode === null) {
        const exited = new Promise((resolve) => socat.once('exit', resolve))
        socat.kill()
        await exited
      }
    },
  }
}

/** Name, pair factory, and whether closing one end is seen by the other (a serial line may not tell). */
type Implementation = [name: string, makePair: () => Promise<Pair>, hangsUp: boolean]
const implementations: Implementation[] = [
  ['memory', async () => ({ ...toPair(memoryPair()), cleanup: async () => {} }), true],
  ['tcp', tcpPair, true],
  [
    'throttled memory',
    async () => {
      const [a, b] = memoryPair()
      return {
        a: throttled(a, { bytesPerSecond: 50_000 }),
        b: throttled(b, { bytesPerSecond: 50_000 }),
        cleanup: async () => {},
      }
    },
    true,
  ],
  ...(socatAvailable ? [['pty via socat', ptyPair, false] satisfies Implementation] : []),
]

function toPair([a, b]: [LinkTransport, LinkTransport]) {
  return { a, b }
}

function collect(transport: LinkTransport, length: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let received = 0
  return new Promise((resolve) => {
    const stop = transport.onData((bytes) => {
      chunks.push(bytes)
      received += bytes.length
      if (received >= length) {
        stop()
        resolve(concat(chunks))
      }
    })
  })
}

const randomBytes = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, index) => (index * 131 + seed * 17 + (index >> 3)) & 0xff)

describe('pseudo-terminal contract tests', () => {
  it('need socat installed', () => {
    if (!socatAvailable)
      console.warn(
        'socat is missing: the pty transport contract tests did not run. Install it: apt-get install socat',
      )
    expect(
      socatAvailable,
      'socat is not installed; install it (apt-get install socat) to run the pty contract tests',
    ).toBe(true)
  })
})

for (const [name, makePair, hangsUp] of implementations) {
  describe(`transport contract: ${name}`, () => {
    let pair: Pair | undefined
    afterEach(async () => {
      await pair?.a.close()
      await pair?.b.close()
      await pair?.cleanup()
      pair = undefined
    })

    it('carries bytes both ways, in order and intact, written in pieces of any size', async () => {
      pair = await makePair()
      const { a, b } = pair
      const forward = randomBytes(3_000, 1)
      const backward = randomBytes(2_000, 2)
      const atB = collect(b, forward.length)
      const atA = collect(a, backward.length)
      for (let offset = 0, size = 1; offset < forward.length; offset += size, size = (size * 7) % 301 || 1)
        a.write(forward.subarray(offset, offset + size))
      b.write(backward)
      expect(await atB).toEqual(forward)
      expect(await atA).toEqual(backward)
    })

    it('counts the bytes it carries', async () => {
      pair = await makePair()
      const { a, b } = pair
      const counter = countBytes(a)
      const atB = collect(b, 100)
      const atA = collect(a, 40)
      a.write(filled(100, 0x11))
      b.write(filled(40, 0x22))
      await Promise.all([atA, atB])
      expect([counter.sent, counter.received, counter.total]).toEqual([100, 40, 140])
      counter.reset()
      expect(counter.total).toBe(0)
    })

    it('runs a session exchange', async () => {
      pair = await makePair()
      const pile = createSession({ transport: pair.a })
      const car = createSession({ transport: pair.b })
      const hello = {
        type: 'Hello',
        pileId: filled(32, 1),
        chainId: 8453,
        verifyingContract: filled(20, 2),
        nonce: filled(16, 3),
      } as const
      const answered = (async () => {
        expect(await car.expect('Hello')).toEqual(hello)
        await car.send({ type: 'Auth', signature: filled(64, 4) })
      })()
      await pile.send(hello)
      expect(await pile.expect('Auth')).toEqual({ type: 'Auth', signature: filled(64, 4) })
      await answered
    })

    if (hangsUp) {
      it('lets the peer see the line go down', async () => {
        pair = await makePair()
        const { a, b } = pair
        const peerClosed = new Promise<void>((resolve) => b.onClose(() => resolve()))
        await a.close()
        await peerClosed
        expect(b.closed).toBe(true)
      })
    } else {
      it('has no hang-up signal, like a serial line: a gone peer ends the next send with a typed error', async () => {
        pair = await makePair()
        await pair.b.close()
        const pile = createSession({ transport: pair.a, ackTimeoutMs: 10, maxAttempts: 2 })
        // Either the line stays silent (timeout) or writing into it fails (the port went away).
        const error = await pile.send({ type: 'ChargingStarted' }).catch((caught: unknown) => caught)
        expect(error instanceof AckTimeoutError || error instanceof SessionClosedError).toBe(true)
      })
    }

    it('refuses writes after close and tells its listeners once', async () => {
      pair = await makePair()
      const { a } = pair
      const closes: unknown[] = []
      a.onClose((cause) => closes.push(cause))
      await a.close()
      await a.close()
      expect(a.closed).toBe(true)
      expect(closes).toEqual([undefined])
      expect(() => a.write(Uint8Array.of(1))).toThrow(TransportClosedError)
    })
  })
}
