import {
  ChargerOfflineError,
  ChargerRejectedError,
  CommandTargetError,
  CommandTimeoutError,
  type OcppError,
  PayloadInvalidError,
} from '@chargechain/ocpp'
import { HttpProblem } from './errors.js'

export type { ChargerCommands } from '@chargechain/ocpp'

interface CommandProblem {
  status: 400 | 409 | 503 | 504
  code: string
  message: string
}

const said = (hint: string, cause: OcppError) => `${hint} (${cause.shortMessage})`

/** The response for an error a charger command threw (packages/ocpp's typed errors), or undefined. */
export function commandProblem(error: unknown): CommandProblem | undefined {
  if (error instanceof ChargerOfflineError)
    return {
      status: 503,
      code: 'charger_offline',
      message: said(
        'The charger is not connected to any server instance; try again once it is online.',
        error,
      ),
    }
  if (error instanceof ChargerRejectedError)
    return { status: 409, code: 'charger_rejected', message: said('The charger refused the command.', error) }
  if (error instanceof CommandTimeoutError)
    return {
      status: 504,
      code: 'command_timeout',
      message: said('The charger did not answer in time; it may still carry the command out.', error),
    }
  if (error instanceof CommandTargetError)
    return { status: 409, code: 'conflict', message: error.shortMessage }
  if (error instanceof PayloadInvalidError)
    return { status: 400, code: 'invalid_request', message: error.shortMessage }
  return undefined
}

/** No OCPP endpoint runs in this process (a CLI tool, a test): every command is answered as offline. */
export function noChargers(): HttpProblem {
  return new HttpProblem(
    503,
    'charger_offline',
    'This server runs without its OCPP endpoint; no charger is reachable.',
  )
}
