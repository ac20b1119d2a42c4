// The serial link transport over a socat pty pair, through serialport. Breaks that fail it: treating a missing port as
// final in `openSerialLinkTransport` (the re-plug test rejects instead of waiting), or dropping `bytesPerSecond`.
import { createSession } from '@chargechain/link'
import { afterEach, describe, expect, it } from 'vitest'
import { openPtyPair, type PtyPair, socatAvailable, socatHint } from '../testing/ptyPair.js'
import { SerialPortOpenError } from './errors.js'
import { openSerialLinkTransport, serialLink } from './serialLink.js'

const hello = {
  type: 'Hello',
  pileId: new Uint8Array(32).fill(1),
  chainId: 31337,
  verifyingContract: new Uint8Array(20).fill(2),
  nonce: new Uint8Array(16).fill(3),
} as const

describe('serial link transport', () => {
  let pty: PtyPair | undefined
  afterEach(async () => {
    await pty?.close()
    pty = undefined
  })

  it('needs socat', () => {
    expect(socatAvailable, socatHint).toBe(true)
  })

  it('carries a session exchange between the two ends, paced for 9600 baud', async () => {
    pty = await openPtyPair()
    const signal = new AbortController().signal
    const [pileEnd, carEnd] = await Promise.all([
      serialLink({ path: pty.devicePath }).accept(signal),
      serialLink({ path: pty.peerPath }).connect(signal),
    ])
    expect([pileEnd.type, pileEnd.bytesPerSecond]).toEqual(['serial', 960])
    const pile = createSession({ transport: pileEnd })
    const car = createSession({ transport: carEnd })
    const answered = car.expect('Hello')
    await pile.send(hello)
    expect(await answered).toMatchObject({ type: 'Hello', chainId: 31337 })
    await pile.close()
    await car.close()
  })

  it('closes when the port disappears, and opens again once it is back', async () => {
    pty = await openPtyPair()
    const signal = new AbortController().signal
    const transport = await openSerialLinkTransport({ path: pty.devicePath }, signal)
    const closed = new Promise<unknown>((resolve) => transport.onClose(resolve))
    await pty.unplug()
    await closed
    expect(transport.closed).toBe(true)
    const reopening = openSerialLinkTransport({ path: pty.devicePath, retryMs: 50 }, signal)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await pty.plug()
    const again = await reopening
    const peer = await openSerialLinkTransport({ path: pty.peerPath }, signal)
    const received = new Promise<Uint8Array>((resolve) => peer.onData(resolve))
    again.write(Uint8Array.of(0xcc, 0x5a))
    expect([...(await received)]).toEqual([0xcc, 0x5a])
    await again.close()
    await peer.close()
  })

  it('stops waiting for a missing port when aborted, and refuses a path that is no serial port', async () => {
    const controller = new AbortController()
    const waiting = openSerialLinkTransport({ path: '/dev/does-not-exist', retryMs: 20 }, controller.signal)
    controller.abort(new Error('stopping'))
    await expect(waiting).rejects.toThrow('stopping')
    await expect(
      openSerialLinkTransport({ path: '/etc/hostname' }, new AbortController().signal),
    ).rejects.toThrow(SerialPortOpenError)
  })
})
