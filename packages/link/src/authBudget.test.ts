import { describe, expect, it } from 'vitest'
import { frameLength } from './frame.js'
import { filled } from './messages/fixtures.js'
import type { HelloMessage } from './messages/types.js'
import { createSession } from './session.js'
import { countBytes } from './transports/countBytes.js'
import { memoryPair } from './transports/memory.js'
import { throttled } from './transports/throttled.js'

const LINE_BYTES_PER_SECOND = 960

describe('owner authentication budget', () => {
  it('Hello → Auth → AuthResult (free), acks included, fits 200 bytes and never beats the line', async () => {
    const [pileEnd, carEnd] = memoryPair()
    const pileLine = throttled(pileEnd, { bytesPerSecond: LINE_BYTES_PER_SECOND })
    const carLine = throttled(carEnd, { bytesPerSecond: LINE_BYTES_PER_SECOND })
    const pile = createSession({ transport: pileLine })
    const car = createSession({ transport: carLine })
    const bytes = countBytes(pileLine)

    // Realistic sizes: a bytes32 pile id, the anvil chain id, a contract address, a 16-byte nonce, a 64-byte
    // EIP-2098 signature and a 16-byte free-session id.
    const hello: HelloMessage = {
      type: 'Hello',
      pileId: filled(32, 0xa1),
      chainId: 31337,
      verifyingContract: filled(20, 0xc0),
      nonce: crypto.getRandomValues(new Uint8Array(16)),
    }
    const started = performance.now()
    const vehicle = (async () => {
      const challenge = await car.expect('Hello')
      expect(challenge).toEqual(hello)
      await car.send({ type: 'Auth', signature: filled(64, 0x5e) })
      return car.expect('AuthResult')
    })()
    await pile.send(hello)
    await pile.expect('Auth')
    await pile.send({ type: 'AuthResult', result: 'free', sessionId: filled(16, 0x42) })
    const result = await vehicle
    const elapsedMs = performance.now() - started

    expect(result).toMatchObject({ result: 'free' })
    // Hello, Auth (acks Hello), AuthResult (acks Auth), one bare Ack: nothing else crossed the line.
    const expected = frameLength(71) + frameLength(65) + frameLength(17) + frameLength(0)
    expect(bytes.total).toBe(expected)
    expect(bytes.total).toBeLessThanOrEqual(200)
    const lineTimeMs = (bytes.total / LINE_BYTES_PER_SECOND) * 1000
    console.log(
      `owner auth: ${bytes.total} bytes, ${elapsedMs.toFixed(0)} ms (line time ${lineTimeMs.toFixed(0)} ms)`,
    )
    // Never faster than the line allows; how close to it is measured by `npm run bench -- link`, not here, where a
    // loaded machine would make a time bound fail for nothing.
    expect(elapsedMs).toBeGreaterThanOrEqual(lineTimeMs - 1)
    expect(pile.stats.retransmissions + car.stats.retransmissions).toBe(0)
    await pile.close()
    await car.close()
  })
})
