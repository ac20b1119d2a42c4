import http from 'node:http'
import type net from 'node:net'

/**
 * An agent process's way to the dev chain: a plain HTTP relay to anvil that lets a crash test act at the exact moment
 * a transaction goes out. `onTransaction` runs before an `eth_sendRawTransaction` is relayed (answering `'drop'` keeps it
 * from the node) and again once anvil has taken it, before the agent hears back, so a test can kill the agent with its
 * transaction sent and its hash and receipt never seen. Nothing is answered in anvil's place.
 */
export interface RpcTap {
  readonly url: string
  /** Transactions the agent has sent through the tap so far. */
  readonly transactions: number
  onTransaction:
    | ((phase: 'before' | 'after', nth: number) => Promise<'drop' | undefined> | 'drop' | undefined)
    | undefined
  close(): Promise<void>
}

export async function openRpcTap(upstream: string): Promise<RpcTap> {
  const sockets = new Set<net.Socket>()
  const tap: RpcTap & { transactions: number } = {
    url: '',
    transactions: 0,
    onTransaction: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
  const server = http.createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const body = Buffer.concat(chunks).toString('utf8')
      const sends = body.includes('"eth_sendRawTransaction"')
      const nth = sends ? ++tap.transactions : 0
      if (sends && (await tap.onTransaction?.('before', nth)) === 'drop') {
        response.destroy()
        return
      }
      const answer = await fetch(upstream, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const text = await answer.text()
      if (sends) await tap.onTransaction?.('after', nth)
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text)
    } catch {
      response.destroy()
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return Object.assign(tap, { url: `http://127.0.0.1:${port}` })
}
