import { logConfigSchema } from '@chargechain/agent-core'
import { type LoadedAgentConfig, loadAgentConfig } from '@chargechain/agent-main'
import { keySourceSchema } from '@chargechain/chain'
import { vehicleConfigSchema } from '@chargechain/vehicle'
import { z } from 'zod'
import { hardwareSchema } from './hardware.js'
import { linkSchema } from './link.js'

/** The vehicle agent's config file: the car's own settings plus where its key, journal, drivers and link are. */
export const vehicleAgentConfigSchema = z.strictObject({
  vehicle: vehicleConfigSchema,
  /** The car's key: it signs the challenge, the vouchers and the deposits. */
  key: keySourceSchema,
  /** The crash-safe journal; it holds the latest voucher signed, so keep it on storage that survives a power cut. */
  journal: z.string().min(1),
  hardware: hardwareSchema,
  link: linkSchema,
  log: logConfigSchema,
})

export type VehicleAgentConfig = z.output<typeof vehicleAgentConfigSchema>

/** Loads and validates the file; relative paths in it are relative to the file, as a reader of the file expects. */
export function loadVehicleAgentConfig(path: string): Promise<LoadedAgentConfig<VehicleAgentConfig>> {
  return loadAgentConfig(path, vehicleAgentConfigSchema, {
    deployment: (config) => config.vehicle.chain.deployment,
  })
}
