import { dirname, resolve } from 'node:path'
import { loadConfig } from '@chargechain/agent-core'
import { type Deployment, type KeySource, readDeployment, resolveKeySource } from '@chargechain/chain'
import type { z } from 'zod'

/** The sections every agent's config file has whose paths are relative to the file. */
export interface AgentConfigFiles {
  journal: string
  key: KeySource
  hardware: { driver: string }
}

export interface LoadAgentConfigOptions<Config> {
  /** The deployment the config names: inline, or the path of its JSON file. */
  deployment(config: Config): string | Deployment
  /** Resolves the agent's own paths with `here` (the journal, key, remote socket and deployment are done already). */
  resolvePaths?(config: Config, here: (path: string) => string): Config
}

export interface LoadedAgentConfig<Config> {
  config: Config
  deployment: Deployment
}

/**
 * Loads and validates an agent's config file and reads the deployment it names. Relative paths in it are relative to
 * the file, as a reader of the file expects.
 */
export async function loadAgentConfig<Schema extends z.ZodType<AgentConfigFiles>>(
  path: string,
  schema: Schema,
  options: LoadAgentConfigOptions<z.output<Schema>>,
): Promise<LoadedAgentConfig<z.output<Schema>>> {
  const config = await loadConfig(path, schema)
  const here = (file: string) => resolve(dirname(path), file)
  const { hardware } = config
  const resolved = {
    ...config,
    journal: here(config.journal),
    key: resolveKeySource(config.key, here),
    hardware:
      hardware.driver === 'remote' && 'socket' in hardware && typeof hardware.socket === 'string'
        ? { ...hardware, socket: here(hardware.socket) }
        : hardware,
  }
  const deployment = options.deployment(resolved)
  return {
    config: options.resolvePaths ? options.resolvePaths(resolved, here) : resolved,
    deployment: typeof deployment === 'string' ? await readDeployment(here(deployment)) : deployment,
  }
}
