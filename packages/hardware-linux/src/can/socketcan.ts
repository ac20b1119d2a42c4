import { createRequire } from 'node:module'
import type { CanBus, CanFrame } from './bus.js'
import { SocketCanUnavailableError } from './errors.js'

/** What this driver uses of the socketcan module (4.0.x): a structural type, so nothing else imports it. */
interface RawChannel {
  addListener(
    event: 'onMessage',
    listener: (message: { id: number; ext?: boolean; rtr?: boolean; data: Buffer }) => void,
  ): void
  addListener(event: 'onStopped', listener: () => void): void
  start(): void
  stop(): void
  send(message: { id: number; ext: boolean; rtr: boolean; data: Buffer }): number
}

interface SocketCanModule {
  createRawChannel(name: string, timestamps: boolean): RawChannel
}

const require = createRequire(import.meta.url)

function loadSocketCan(interfaceName: string): SocketCanModule {
  try {
    return require('socketcan')
  } catch (error) {
    throw new SocketCanUnavailableError(
      interfaceName,
      'the socketcan module is not installed or did not build; npm install socketcan@4.0 needs make, g++ and python3',
      { cause: error },
    )
  }
}

/**
 * A CAN bus on a SocketCAN interface (`can0` of an MCP2515 HAT, say). Where the kernel has no CAN, the interface is
 * missing or down, or the module is absent, rejects with `SocketCanUnavailableError` saying so.
 */
export async function openSocketCanBus(options: { interface: string }): Promise<CanBus> {
  const name = options.interface
  const socketcan = loadSocketCan(name)
  let channel: RawChannel
  try {
    channel = socketcan.createRawChannel(name, false)
    channel.start()
  } catch (error) {
    throw new SocketCanUnavailableError(
      name,
      `the kernel refused to open it: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  const listeners = new Set<(frame: CanFrame) => void>()
  channel.addListener('onMessage', (message) => {
    const frame: CanFrame = {
      id: message.id,
      extended: message.ext === true,
      data: Uint8Array.from(message.data),
      ...(message.rtr ? { remote: true } : {}),
    }
    for (const listener of [...listeners]) listener(frame)
  })
  let stopped = false
  return {
    name: `socketcan ${name}`,
    async send(frame) {
      channel.send({
        id: frame.id,
        ext: frame.extended,
        rtr: frame.remote === true,
        data: Buffer.from(frame.data),
      })
    },
    onFrame(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      if (stopped) return
      stopped = true
      listeners.clear()
      channel.stop()
    },
  }
}
