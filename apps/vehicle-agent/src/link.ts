import type { Logger } from '@chargechain/agent-core'
import { serialLinkSchema } from '@chargechain/agent-main'
import { serialLink } from '@chargechain/hardware-linux'
import { tcp } from '@chargechain/link'
import type { VehicleLink } from '@chargechain/vehicle'
import { z } from 'zod'

export const linkSchema = z.union([
  /** The lab set-up: the car connects to the pile's TCP port. */
  z.strictObject({
    tcp: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(1).max(65_535) }),
  }),
  serialLinkSchema,
])

export type LinkConfig = z.output<typeof linkSchema>

/** The link the config names: each `connect` dials the pile again (after a drop, or for the next session). */
export function openVehicleLink(config: LinkConfig, logger: Logger): VehicleLink {
  if ('serial' in config) {
    // The HC-05 on a serial port: each connect opens the port (again after it went away).
    logger.info({ path: config.serial.path, baudRate: config.serial.baudRate }, 'link on serial port')
    return { connect: serialLink(config.serial).connect }
  }
  return {
    async connect(signal) {
      // An aborted attempt destroys its socket: the pile never accepts a connection nobody speaks on.
      const transport = await tcp({ ...config.tcp, signal })
      logger.debug({ host: config.tcp.host, port: config.tcp.port }, 'link connected')
      return transport
    },
  }
}
