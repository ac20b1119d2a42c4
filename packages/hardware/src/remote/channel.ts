import { StringDecoder } from 'node:string_decoder'
import { HardwareBridgeError } from './errors.js'

/**
 * A message channel between the process that owns the hardware and the one that drives it. Messages are plain JSON
 * objects; delivery is in order. Once closed (by either side, or because the peer process died) nothing more is
 * delivered and `onClose` listeners run once.
 */
export interface HardwareChannel {
  send(message: object): void
  onMessage(listener: (message: unknown) => void): () => void
  onClose(listener: (cause?: unknown) => void): () => void
  close(): void
}

/** What the channel needs of a Node stream: a socket, a pipe, a serial port. Structural, to avoid importing `net`. */
export interface ChannelStream {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown
  on(event: 'close' | 'end', listener: () => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  write(chunk: string): boolean
  destroyed?: boolean
  destroy(): unknown
}

/** What the channel needs of a Node IPC endpoint: `process` in a forked child, or the parent's `ChildProcess`. */
export interface IpcEndpoint {
  send?(message: unknown): boolean
  connected?: boolean
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'disconnect', listener: () => void): unknown
  off(event: 'message', listener: (message: unknown) => void): unknown
  off(event: 'disconnect', listener: () => void): unknown
  disconnect?(): void
}

function createChannel(
  setup: (events: { message(value: unknown): void; closed(cause?: unknown): void }) => {
    send(message: object): void
    close(): void
  },
): HardwareChannel {
  const messageListeners = new Set<(message: unknown) => void>()
  const closeListeners = new Set<(cause?: unknown) => void>()
  let closed = false
  let closeCause: unknown
  const driver = setup({
    message(value) {
      if (!closed) for (const listener of [...messageListeners]) listener(value)
    },
    closed(cause) {
      if (closed) return
      closed = true
      closeCause = cause
      for (const listener of [...closeListeners]) listener(cause)
      closeListeners.clear()
      messageListeners.clear()
    },
  })
  return {
    send(message) {
      if (closed)
        throw new HardwareBridgeError('The hardware bridge is closed; restart the agent to reconnect.', {
          cause: closeCause,
          retryable: true,
        })
      driver.send(message)
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    onClose(listener) {
      if (closed) listener(closeCause)
      else closeListeners.add(listener)
      return () => closeListeners.delete(listener)
    },
    close() {
      driver.close()
    },
  }
}

/** Newline-delimited JSON over a byte stream (a Unix socket in the crash tests). A line that is not JSON is dropped. */
export function streamChannel(stream: ChannelStream): HardwareChannel {
  return createChannel((events) => {
    // Lines are cut here rather than by node:readline, which wants a full Node stream and not this structural one.
    const text = new StringDecoder('utf8')
    let partial = ''
    const deliver = (line: string) => {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        return
      }
      events.message(value)
    }
    stream.on('data', (chunk) => {
      const lines = (partial + (typeof chunk === 'string' ? chunk : text.write(chunk))).split('\n')
      // split always returns at least one element: the unfinished line after the last newline.
      partial = lines.pop() ?? ''
      for (const line of lines) deliver(line)
    })
    stream.on('end', () => {
      deliver(partial + text.end())
      events.closed()
    })
    stream.on('close', () => events.closed())
    stream.on('error', (error) => events.closed(error))
    return {
      send(message) {
        stream.write(`${JSON.stringify(message)}\n`)
      },
      close() {
        stream.destroy()
        events.closed()
      },
    }
  })
}

/** Node's IPC channel between a parent and a child started with `fork()` or `stdio: [..., 'ipc']`. */
export function ipcChannel(endpoint: IpcEndpoint): HardwareChannel {
  if (typeof endpoint.send !== 'function') {
    throw new HardwareBridgeError(
      'This process has no IPC channel; start it with fork() or an "ipc" stdio entry.',
    )
  }
  return createChannel((events) => {
    const onMessage = (message: unknown) => events.message(message)
    const onDisconnect = () => {
      endpoint.off('message', onMessage)
      endpoint.off('disconnect', onDisconnect)
      events.closed()
    }
    endpoint.on('message', onMessage)
    endpoint.on('disconnect', onDisconnect)
    if (endpoint.connected === false) queueMicrotask(onDisconnect)
    return {
      send(message) {
        endpoint.send?.(message)
      },
      close() {
        if (endpoint.connected) endpoint.disconnect?.()
        onDisconnect()
      },
    }
  })
}
