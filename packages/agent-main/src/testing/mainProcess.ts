import { spawnSync } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface MainResult {
  /** `null` when the process was ended by a signal or the timeout. */
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs an agent's main program to its end (`node --import tsx <script> …args`) and returns its exit code and output.
 * For the checks a main makes before its agent runs: usage, config errors, unavailable drivers.
 */
export function runMain(
  script: string,
  args: readonly string[] = [],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): MainResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 30_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Writes `value` as JSON to `fileName` in a fresh temporary directory and returns the file's path. */
export async function writeConfigFile(value: unknown, fileName = 'config.json'): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'chargechain-config-')), fileName)
  await writeFile(path, JSON.stringify(value))
  return path
}

const placeholderAddress = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

/** A valid inline deployment manifest for configs that must pass validation but never reach a chain. */
export const placeholderDeployment = {
  version: 2,
  chainId: 31337,
  startBlock: 1,
  contracts: {
    pileRegistry: placeholderAddress,
    sessionEscrow: placeholderAddress,
    paymentChannels: placeholderAddress,
  },
  arbiter: placeholderAddress,
  settleWindow: 120,
  disputeWindow: 600,
  challengePeriod: 600,
  deployer: placeholderAddress,
  deployedAt: '2025-01-01T00:00:00.000Z',
} as const
