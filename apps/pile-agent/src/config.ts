import { logConfigSchema } from '@chargechain/agent-core'
import { type LoadedAgentConfig, loadAgentConfig } from '@chargechain/agent-main'
import { keySourceSchema } from '@chargechain/chain'
import { pileConfigSchema } from '@chargechain/pile'
import { z } from 'zod'
import { hardwareSchema } from './hardware.js'
import { linkSchema } from './link.js'
import { managementSchema } from './management.js'

/** The pile agent's config file: the pile's own settings plus where its key, journal, drivers and link are. */
export const pileAgentConfigSchema = z
  .strictObject({
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
    /**
     * The operator's management server: the pile reports its states, sessions and meter over OCPP, and takes
     * channel payments on the operator's ledger there (which settles them).
     */
    management: managementSchema.optional(),
    log: logConfigSchema,
  })
  .refine((config) => !(config.channels && config.management), {
    message:
      'give either channels (a pile that is its own operator keeps the ledger) or management (the server keeps it), not both',
    path: ['channels'],
  })

export type PileAgentConfig = z.output<typeof pileAgentConfigSchema>

/** Loads and validates the file; relative paths in it are relative to the file, as a reader of the file expects. */
export function loadPileAgentConfig(path: string): Promise<LoadedAgentConfig<PileAgentConfig>> {
  return loadAgentConfig(path, pileAgentConfigSchema, {
    deployment: (config) => config.pile.chain.deployment,
    resolvePaths: (config, here) => ({
      ...config,
      ...(config.channels ? { channels: { ...config.channels, ledger: here(config.channels.ledger) } } : {}),
      ...(config.management
        ? {
            management: {
              ...config.management,
              queue: here(config.management.queue),
              ...(config.management.ca === undefined ? {} : { ca: here(config.management.ca) }),
              ...(config.management.passwordFile === undefined
                ? {}
                : { passwordFile: here(config.management.passwordFile) }),
            },
          }
        : {}),
    }),
  })
}
