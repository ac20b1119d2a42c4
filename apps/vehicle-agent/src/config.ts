import { dirname, resolve } from 'node:path'
import { loadConfig, logConfigSchema } from '@chargechain/agent-core'
import { type Deployment, keySourceSchema, readDeployment, resolveKeySource } from '@chargechain/chain'
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
export async function loadVehicleAgentConfig(
  path: string,
): Promise<{ config: VehicleAgentConfig; deployment: Deployment }> {
  const config = await loadConfig(path, vehicleAgentConfigSchema)
  const here = (file: string) => resolve(dirname(path), file)
  const { deployment } = config.vehicle.chain
  const resolved: VehicleAgentConfig = {
    ...config,
    journal: here(config.journal),
    key: resolveKeySource(config.key, here),
    hardware:
      config.hardware.driver === 'remote'
        ? { ...config.hardware, socket: here(config.hardware.socket) }
        : config.hardware,
  }
  return {
    config: resolved,
    deployment: typeof deployment === 'string' ? await readDeployment(here(deployment)) : deployment,
  }
}
