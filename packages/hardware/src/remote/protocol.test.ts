// The bridge's wire messages are checked field by field on arrival. Break tried: dropping the `otherVersion` early
// return in parseServerMessage makes a newer server's hello (whose parts this client cannot read) vanish, and the
// first case fails.
import { describe, expect, it } from 'vitest'
import { BRIDGE_PROTOCOL_VERSION, parseClientMessage, parseServerMessage } from './protocol.js'

describe('parseServerMessage', () => {
  it('reports a hello of another protocol version, whatever its parts look like', () => {
    const hello = { type: 'hello', version: BRIDGE_PROTOCOL_VERSION + 1, parts: 'described differently' }
    expect(parseServerMessage(hello)).toEqual({ type: 'otherVersion', version: BRIDGE_PROTOCOL_VERSION + 1 })
  })

  it('takes a hello of this version with its parts and clock', () => {
    const hello = {
      type: 'hello',
      version: BRIDGE_PROTOCOL_VERSION,
      parts: [
        { name: 'gun', kind: 'input', debounceMs: 50, level: false },
        { name: 'lamps', kind: 'lights', shown: 'idle' },
      ],
      clock: { mode: 'running', now: 1_000, speed: 60 },
    }
    expect(parseServerMessage(hello)).toEqual(hello)
  })

  it('drops malformed messages', () => {
    const malformed = [
      null,
      'pong',
      { type: 'hello', version: BRIDGE_PROTOCOL_VERSION, parts: [{ name: 'gun', kind: 'input' }] },
      {
        type: 'hello',
        version: BRIDGE_PROTOCOL_VERSION,
        parts: [{ name: 'lamps', kind: 'lights', shown: 'blue' }],
      },
      { type: 'edge', part: 'gun', level: 'high', at: 1 },
      { type: 'error', id: 3, error: { name: 'MeterReadError', message: 'x', reason: 'gremlins' } },
      { type: 'pong' },
      { type: 'shutdown', id: 1 },
    ]
    for (const value of malformed) expect(parseServerMessage(value), JSON.stringify(value)).toBeUndefined()
  })
})

describe('parseClientMessage', () => {
  it('takes calls with a known operation and pings', () => {
    expect(parseClientMessage({ type: 'call', id: 1, part: 'relay', op: 'set', arg: true })).toEqual({
      type: 'call',
      id: 1,
      part: 'relay',
      op: 'set',
      arg: true,
    })
    expect(parseClientMessage({ type: 'call', id: 2, part: 'relay', op: 'isOn' })).toEqual({
      type: 'call',
      id: 2,
      part: 'relay',
      op: 'isOn',
    })
    expect(parseClientMessage({ type: 'ping', id: 3 })).toEqual({ type: 'ping', id: 3 })
  })

  it('drops unknown operations and calls without an id', () => {
    expect(parseClientMessage({ type: 'call', id: 1, part: 'relay', op: 'explode' })).toBeUndefined()
    expect(parseClientMessage({ type: 'call', part: 'relay', op: 'set' })).toBeUndefined()
  })
})
