import { createServer, type IncomingMessage } from 'node:http'

export interface CappedProxyOptions {
  /** Refuse eth_getLogs over more blocks than this, as QuickNode words it. */
  maxBlocks?: number
  /** Refuse eth_getLogs answering more logs than this, as Infura words it. */
  maxResults?: number
}

interface Call {
  jsonrpc: '2.0'
  id: number | string
  method: string
  params?: unknown[]
}

/**
 * A JSON-RPC provider in front of anvil that caps eth_getLogs the way hosted providers do, with their error codes and
 * messages; everything else passes through. `down` makes it answer 503 to everything, as a provider in an outage.
 */
export async function startCappedProxy(target: string, options: CappedProxyOptions) {
  const stats = { getLogs: 0, refused: 0 }
  const state = { down: false }
  const forward = async (call: Call): Promise<{ result?: unknown; error?: unknown }> => {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(call),
    })
    return (await response.json()) as { result?: unknown; error?: unknown }
  }
  const answer = async (call: Call) => {
    if (call.method !== 'eth_getLogs') return forward(call)
    stats.getLogs += 1
    const [filter] = (call.params ?? []) as { fromBlock: string; toBlock: string }[]
    const from = Number(filter?.fromBlock)
    const to = Number(filter?.toBlock)
    if (options.maxBlocks !== undefined && to - from + 1 > options.maxBlocks) {
      stats.refused += 1
      return {
        jsonrpc: '2.0',
        id: call.id,
        error: { code: -32602, message: `eth_getLogs is limited to a ${options.maxBlocks} block range` },
      }
    }
    const forwarded = await forward(call)
    if (
      options.maxResults !== undefined &&
      Array.isArray(forwarded.result) &&
      forwarded.result.length > options.maxResults
    ) {
      stats.refused += 1
      return {
        jsonrpc: '2.0',
        id: call.id,
        error: {
          code: -32005,
          message: `query returned more than ${options.maxResults} results. Try with this block range [${filter?.fromBlock}, ${filter?.fromBlock}].`,
        },
      }
    }
    return forwarded
  }
  const server = createServer(async (request, response) => {
    const body = await readBody(request)
    if (state.down) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable')
      return
    }
    const payload = JSON.parse(body) as Call | Call[]
    const answers = Array.isArray(payload) ? await Promise.all(payload.map(answer)) : await answer(payload)
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy listens on a TCP port')
  return {
    rpcUrl: `http://127.0.0.1:${address.port}`,
    stats,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}
