import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { HttpProblem } from './errors.js'

/**
 * What the server needs of the OCPP endpoint (packages/ocpp's `createOcppServer`): its upgrade handler for
 * `/ocpp/:id`, and commands that reach a charger on whichever instance holds its connection.
 */
export interface OcppEndpoint {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  commands: ChargerCommands
  close(): Promise<void>
}

export interface ChargerCommands {
  /**
   * Sends an OCPP 1.6 call to the charger and resolves to its answer. Throws ChargerOfflineError (no instance holds
   * it), ChargerRejectedError (Rejected or CALLERROR), CommandTimeoutError.
   */
  send(chargerId: string, action: string, payload: object, options: { timeoutMs: number }): Promise<unknown>
  /** ChargeChain's DataTransfer to our own piles: stop the order when its meter reaches `energyWh`. */
  stopAt(orderId: number, energyWh: number): Promise<unknown>
}

/** Command errors by the name packages/ocpp gives them, as the API answers them. */
const commandErrors: Record<string, { status: 409 | 503 | 504; code: string; hint: string }> = {
  ChargerOfflineError: {
    status: 503,
    code: 'charger_offline',
    hint: 'The charger is not connected to any server instance; try again once it is online.',
  },
  ChargerRejectedError: {
    status: 409,
    code: 'charger_rejected',
    hint: 'The charger refused the command.',
  },
  CommandTimeoutError: {
    status: 504,
    code: 'command_timeout',
    hint: 'The charger did not answer in time; it may still carry the command out.',
  },
}

/** The response for an error a charger command threw, or undefined when it is not one. */
export function commandProblem(error: unknown) {
  if (!(error instanceof Error)) return undefined
  const known = commandErrors[error.name]
  if (!known) return undefined
  return {
    status: known.status,
    code: known.code,
    message: `${known.hint} (${error.message.split('\n')[0]})`,
  }
}

/** No OCPP endpoint runs in this process (a CLI tool, a test): every command is answered as offline. */
export function noChargers(): HttpProblem {
  return new HttpProblem(
    503,
    'charger_offline',
    'This server runs without its OCPP endpoint; no charger is reachable.',
  )
}
