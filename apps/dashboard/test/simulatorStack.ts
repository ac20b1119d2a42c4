// The simulator (`npm start`) as its own process: a dev chain, the fleet charging and paying, and the management
// server it starts beside them serving the built dashboard — the stack an operator watches.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type FleetPlan, planFleet } from '../../simulator/src/fleet.js'
import { type Account, distDir, StackError, stopChild, waitForLines } from './stack'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const simulatorMain = 'apps/simulator/src/main.ts'

export interface FleetOptions {
  piles: number
  cars: number
  seed: number
  /** Simulated seconds per real second. */
  speed: number
}

export interface SimulatorStack {
  url: string
  /** The first admin, with the password the simulator generated and printed. */
  admin: Account
  /** The fleet the simulator registered: the same plan it made from the same options. */
  plan: FleetPlan
  stop(): Promise<void>
}

/** Starts the simulator on a free port and answers once it has printed the management URL and the admin's password. */
export async function startSimulator(options: FleetOptions): Promise<SimulatorStack> {
  if (!existsSync(join(distDir, 'index.html')))
    throw new StackError('The dashboard is not built: run `npm run build -w @chargechain/dashboard` first.')
  const { DATABASE_URL: _external, CHARGECHAIN_ADMIN_PASSWORD: _password, ...env } = process.env
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      simulatorMain,
      '--port',
      '0',
      '--piles',
      String(options.piles),
      '--cars',
      String(options.cars),
      '--seed',
      String(options.seed),
      '--speed',
      String(options.speed),
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  // A SIGTERM lets it finish its sessions and stop anvil; killing it outright would leave anvil running.
  const stop = () => stopChild(child, 120_000)
  try {
    const [server, admin] = await waitForLines(
      child,
      [/Management server: (http\S+)/, /sign in as (\S+) with password (\S+)/],
      'the simulator',
      240_000,
    )
    const url = server?.[1]
    const [, username, password] = admin ?? []
    if (!url || !username || !password) throw new StackError('The simulator printed no URL or password.')
    return { url, admin: { username, password }, plan: planFleet(options), stop }
  } catch (error) {
    await stop()
    throw error
  }
}
