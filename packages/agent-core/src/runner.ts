import { InvalidTransitionError, JournalCorruptError, MachineDefinitionError } from './errors.js'
import type { Journal } from './journal.js'
import type { Logger } from './logger.js'
import { type AnyMachine, type EventFrom, type FinalStateOf, isFinalState, type StateOf } from './machine.js'

/** What the journal holds for each step: the state entered, the agent's data at that moment, and why. */
export interface Snapshot<State extends string = string, Data = unknown> {
  readonly state: State
  readonly data: Data
  /** The event that led here; absent for the initial state. */
  readonly event?: string
}

export interface StepContext<State extends string, Data> {
  readonly state: State
  readonly data: Data
  /**
   * True when this state was read back from the journal after a restart: the action may have run before, fully or
   * partly. The action must be idempotent either way (see `EntryAction`); this flag only helps it log or skip work.
   */
  readonly resumed: boolean
  readonly signal: AbortSignal
  readonly logger: Logger
}

export interface StepResult<Event extends string, Data> {
  readonly event: Event
  /** The data to carry into the next state; omit to keep it unchanged. */
  readonly data?: Data
}

/**
 * The effects of entering a state, returning the event that leaves it.
 *
 * **Idempotence contract.** The runner journals a state *before* running its entry action, so after a crash the same
 * action runs again from the top, possibly after its effects already happened. Each action must therefore check the
 * world before acting and converge to the same result when run twice: `settle` first asks the chain whether the
 * session was already settled; `switchOn` sets the relay to on rather than toggling it; a payment carries the nonce
 * stored in the journaled data so a second send is rejected or recognised. Data the action needs on resume (a nonce,
 * a session id, the latest voucher) must be created in an *earlier* state and journaled with the transition.
 */
export type EntryAction<State extends string, Event extends string, Data> = (
  context: StepContext<State, Data>,
) => Promise<StepResult<Event, Data>>

/** One entry action for every state that has transitions; final states have none. */
export type EntryActions<M extends AnyMachine, Data> = {
  [S in Exclude<StateOf<M>, FinalStateOf<M>>]: EntryAction<S, EventFrom<M, S>, Data>
}

export interface RunMachineOptions<M extends AnyMachine, Data> {
  machine: M
  actions: EntryActions<M, Data>
  journal: Journal<Snapshot<StateOf<M>, Data>>
  /** The data the first state starts with when the journal is empty. */
  initialData: Data
  logger: Logger
  /** Stops the runner between steps and is passed to each action; the runner then rejects with `signal.reason`. */
  signal?: AbortSignal
}

/** The message of the log line written each time a state is entered; crash tests watch for it. */
export const STATE_ENTERED = 'state entered'

/**
 * Runs a machine to a final state, resuming from the journal. Resolves with the final snapshot.
 *
 * 1. On start, the journal's last record is the current state (`resumed: true`); an empty journal starts at
 *    `initial`, journaled before its action runs. A journal already at a final state resolves at once, so a finished
 *    run is never repeated.
 * 2. Each step runs the current state's entry action, looks its event up in the table (an event the state has no
 *    transition for is an `InvalidTransitionError`), journals the next state with its data, and only then runs it.
 * 3. An action that throws stops the runner with that error; the journal still names the state, so a restarted agent
 *    retries it. Retrying inside the process (e.g. a meter read) is the action's own business.
 */
export async function runMachine<M extends AnyMachine, Data>(
  options: RunMachineOptions<M, Data>,
): Promise<Snapshot<StateOf<M>, Data>> {
  const { machine, journal, logger } = options
  const { actions } = options
  const signal = options.signal ?? new AbortController().signal
  for (const state of Object.keys(machine.states)) {
    // The types promise an action for every active state; a table built at run time may still lack one.
    if (isActiveState(machine, state) && typeof actions[state] !== 'function') {
      throw new MachineDefinitionError(`Machine ${machine.id}: state ${state} has no entry action; add one.`)
    }
  }

  const last = journal.replay()
  let snapshot: Snapshot<string, Data>
  let resumed = last !== undefined
  if (last) {
    if (!(last.value.state in machine.states)) {
      throw new JournalCorruptError(
        `Journal ${journal.path} resumes at state ${last.value.state}, which machine ${machine.id} does not have.`,
        {
          details: 'The machine changed since the journal was written; finish or move away the old journal.',
        },
      )
    }
    snapshot = last.value
    logger.info(
      { state: snapshot.state, seq: last.seq, resumed, droppedBytes: journal.droppedBytes },
      STATE_ENTERED,
    )
  } else {
    snapshot = { state: machine.initial, data: options.initialData }
    const record = await journal.append(snapshot as Snapshot<StateOf<M>, Data>)
    logger.info({ state: snapshot.state, seq: record.seq, resumed }, STATE_ENTERED)
  }

  for (;;) {
    const { state, data } = snapshot
    if (!isActiveState(machine, state)) break
    signal.throwIfAborted()
    const action = actions[state]
    const result = await action({ state, data, resumed, signal, logger: logger.child({ state }) })
    const transitions = machine.states[state]?.on ?? {}
    const next = transitions[result.event]
    if (next === undefined) {
      throw new InvalidTransitionError(machine.id, state, result.event, Object.keys(transitions))
    }
    signal.throwIfAborted()
    snapshot = { state: next, data: result.data === undefined ? data : result.data, event: result.event }
    const record = await journal.append(snapshot as Snapshot<StateOf<M>, Data>)
    resumed = false
    logger.info({ state: next, from: state, event: result.event, seq: record.seq, resumed }, STATE_ENTERED)
  }
  return snapshot as Snapshot<StateOf<M>, Data>
}

/** Whether `state` is one of the machine's states with transitions out: the states that have an entry action. */
function isActiveState<M extends AnyMachine>(
  machine: M,
  state: string,
): state is Exclude<StateOf<M>, FinalStateOf<M>> {
  return state in machine.states && !isFinalState(machine, state)
}
