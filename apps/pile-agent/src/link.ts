import type { Logger } from '@chargechain/agent-core'
import { serialLinkSchema } from '@chargechain/agent-main'
import type { LinkStatus } from '@chargechain/hardware'
import { serialLink } from '@chargechain/hardware-linux'
import { type TcpServer, tcpServer } from '@chargechain/link'
import type { PileLink } from '@chargechain/pile'
import { z } from 'zod'

export const linkSchema = z.union([
  /** The lab set-up: the pile listens on TCP and the car connects (port 0 picks a free one, logged at start). */
  z.strictObject({
    tcp: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65_535) }),
  }),
  serialLinkSchema,
])

export type LinkConfig = z.output<typeof linkSchema>

export interface OpenedPileLink extends PileLink {
  close(): Promise<void>
}

/** Resolves once the HC-05's STATE line is high (a car's module has paired); rejects when `signal` aborts. */
function paired(status: LinkStatus, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  if (status.current()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      unsubscribe()
      reject(signal.reason)
    }
    const unsubscribe = status.onEdge((edge) => {
      if (!edge.level) return
      unsubscribe()
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Opens the link the config names and logs where a car can reach it. With `linkStatus` (the HC-05's STATE line on the
 * Pi), a serial accept waits until a car's module has paired before talking.
 */
export async function openPileLink(
  config: LinkConfig,
  logger: Logger,
  linkStatus?: LinkStatus,
): Promise<OpenedPileLink> {
  if ('serial' in config) {
    // The HC-05 on a serial port: each accept opens the port (again after it went away).
    logger.info({ path: config.serial.path, baudRate: config.serial.baudRate }, 'link on serial port')
    const serial = serialLink(config.serial)
    return {
      async accept(signal) {
        if (linkStatus) await paired(linkStatus, signal)
        return serial.accept(signal)
      },
      close: async () => {},
    }
  }
  const server: TcpServer = await tcpServer(config.tcp)
  logger.info({ host: config.tcp.host, port: server.port }, 'link listening')
  return {
    // An aborted accept is withdrawn from the listener: the car's next connection goes to the next accept.
    accept: (signal) => server.accept(signal),
    close: () => server.close(),
  }
}
