import type { EntryAction, EventFrom } from '@chargechain/agent-core'
import type { PileMachine } from '../machine.js'
import type { PileRuntime } from '../runtime.js'
import type { PileData, PileState } from '../types.js'

/** One state's entry action, given the agent's runtime. */
export type PileStep<S extends PileState> = (
  runtime: PileRuntime,
) => EntryAction<S, EventFrom<PileMachine, S>, PileData>
