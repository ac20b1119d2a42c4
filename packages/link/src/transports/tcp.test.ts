// Issue 10, agent findings 1 and 2: a listener must hand each car's connection to a pile that is still waiting for it.
// Breaks tried: leaving the acceptor queued on abort (no `waiting.splice` in onAbort) fails "withdraws an aborted
// accept"; not watching the signal in tcp() (no `addEventListener('abort', onAbort…)`) fails "an aborted connect".
import { afterEach, describe, expect, it } from 'vitest'
import { type TcpServer, tcp, tcpServer } from './tcp.js'

let server: TcpServer | undefined
afterEach(() => server?.close())

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

/** The next connection the server hands out within `ms`, or `undefined`. */
async function acceptWithin(listener: TcpServer, ms: number) {
  return listener.accept(AbortSignal.timeout(ms)).catch(() => undefined)
}

describe('tcp listener', () => {
  it('withdraws an aborted accept, so the next connection reaches the next caller', async () => {
    server = await tcpServer()
    const stop = new AbortController()
    const abandoned = server.accept(stop.signal)
    stop.abort(new Error('the pile stopped waiting'))
    await expect(abandoned).rejects.toThrow('the pile stopped waiting')
    const car = await tcp({ port: server.port })
    const accepted = await acceptWithin(server, 2_000)
    expect(accepted).toBeDefined()
    car.write(Uint8Array.of(1, 2, 3))
    const bytes = await new Promise<Uint8Array>((resolve) => accepted?.onData(resolve))
    expect([...bytes]).toEqual([1, 2, 3])
    await car.close()
  })

  it('skips a connection the peer hung up before it was taken', async () => {
    server = await tcpServer()
    const gone = await tcp({ port: server.port })
    await settle()
    await gone.close()
    await settle()
    expect(await acceptWithin(server, 200)).toBeUndefined()
    const car = await tcp({ port: server.port })
    const accepted = await acceptWithin(server, 2_000)
    expect(accepted?.closed).toBe(false)
    await car.close()
  })

  it('leaves nothing behind for the listener after an aborted connect', async () => {
    server = await tcpServer()
    const reason = new Error('car stopped')
    await expect(tcp({ port: server.port, signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    const stop = new AbortController()
    const connecting = tcp({ port: server.port, signal: stop.signal })
    stop.abort(reason)
    await expect(connecting).rejects.toBe(reason)
    await settle()
    expect(await acceptWithin(server, 200)).toBeUndefined()
  })
})
