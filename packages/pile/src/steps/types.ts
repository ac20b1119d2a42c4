import type { EntryAction, EventFrom } from '@chargechain/agent-core'
import type { PileMachine } from '../machine.js'
import type { PileRuntime } from '../runtime.js'
import type { PileData, PileSession, PileState } from '../types.js'

/** One state's entry action, given the agent's runtime. */
export type PileStep<S extends PileState> = (
  runtime: PileRuntime,
) => EntryAction<S, EventFrom<PileMachine, S>, PileData>

/** The session of a state that only exists during one; a journal without it is a bug, not a crash to survive. */
export function sessionOf(data: PileData, state: PileState): PileSession {
  if (!data.session) throw new Error(`pile state ${state} entered without a session in its data`)
  return data.session
}
