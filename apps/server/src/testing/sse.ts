export interface SseMessage {
  event?: string
  data?: string
  comments: string[]
}

/** A client of GET /api/live that hands out one message (a block ending in a blank line) at a time. */
export async function openLive(url: string, cookie: string) {
  const abort = new AbortController()
  const response = await fetch(`${url}/api/live`, { headers: { cookie }, signal: abort.signal })
  if (response.status !== 200 || !response.body) throw new Error(`live answered ${response.status}`)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  async function next(): Promise<SseMessage> {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const message: SseMessage = { comments: [] }
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) message.comments.push(line.slice(1).trim())
          else if (line.startsWith('event: ')) message.event = line.slice(7)
          else if (line.startsWith('data: ')) message.data = line.slice(6)
        }
        return message
      }
      const { value, done } = await reader.read()
      if (done) throw new Error('the live stream ended')
      buffer += value
    }
  }
  /** The next message that is an event (heartbeats skipped). */
  async function nextEvent(): Promise<SseMessage> {
    for (;;) {
      const message = await next()
      if (message.event !== undefined) return message
    }
  }
  // The first message says the stream listens: anything published from now on reaches it.
  const ready = await next()
  if (!ready.comments.includes('ready')) throw new Error('the live stream did not start with : ready')
  return { response, nextEvent, close: () => abort.abort() }
}
