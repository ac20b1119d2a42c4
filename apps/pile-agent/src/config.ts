import { dirname, resolve } from 'node:path'
import { loadConfig, logConfigSchema } from '@chargechain/agent-core'
import { type Deployment, keySourceSchema, readDeployment, resolveKeySource } from '@chargechain/chain'
import { pileConfigSchema } from '@chargechain/pile'
import { z } from 'zod'
import { hardwareSchema } from './hardware.js'
import { linkSchema } from './link.js'

/** The pile agent's config file: the pile's own settings plus where its key, journal, drivers and link are. */
export const pileAgentConfigSchema = z.strictObject({
  pile: pileConfigSchema,
  /** The pile's hot agent key (registered as the pile's `agent`; it settles sessions, never owns the pile). */
  key: keySourceSchema,
  /** The crash-safe journal; keep it on storage that survives a power cut. */
  journal: z.string().min(1),
  hardware: hardwareSchema,
  link: linkSchema,
  /**
   * Payment channels, for a pile that is its own operator: the ledger file and the operator's (payout) key, which
   * settles channel vouchers. Without it the pile asks channel payers to use escrow.
   */
  channels: z.strictObject({ ledger: z.string().min(1), operatorKey: keySourceSchema }).optional(),
  log: logConfigSchema,
})

export type PileAgentConfig = z.output<typeof pileAgentConfigSchema>

/** Loads and validates the file; relative paths in it are relative to the file, as a reader of the file expects. */
export async function loadPileAgentConfig(
  path: string,
): Promise<{ config: PileAgentConfig; deployment: Deployment }> {
  const config = await loadConfig(path, pileAgentConfigSchema)
  const here = (file: string) => resolve(dirname(path), file)
  const { deployment } = config.pile.chain
  const resolved: PileAgentConfig = {
    ...config,
    journal: here(config.journal),
    key: resolveKeySource(config.key, here),
    ...(config.channels ? { channels: { ...config.channels, ledger: here(config.channels.ledger) } } : {}),
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
