import { MachineDefinitionError } from './errors.js'

/** One state: where each event leads. A state without `on` is final: the machine stops there. */
export interface StateDefinition<State extends string> {
  readonly on?: Readonly<Record<string, State>>
  /** One line for the diagram and the logs. */
  readonly description?: string
}

export type StatesTable = Record<string, StateDefinition<string>>

/**
 * A machine as data: its states, and for each state the events that leave it and where they lead. It says nothing
 * about effects; those are the runner's entry actions, so the same table renders the diagram in the README.
 */
export interface Machine<States extends StatesTable = StatesTable> {
  readonly id: string
  readonly initial: keyof States & string
  readonly states: States
}

/** Any machine, whatever its states (`Machine<States>` is invariant in `States` through `initial`). */
export interface AnyMachine {
  readonly id: string
  readonly initial: string
  readonly states: StatesTable
}

export type StateOf<M extends AnyMachine> = keyof M['states'] & string
export type EventOf<M extends AnyMachine> = {
  [S in keyof M['states']]: keyof NonNullable<M['states'][S]['on']>
}[keyof M['states']] &
  string
/** States with no outgoing transition. */
export type FinalStateOf<M extends AnyMachine> = {
  [S in keyof M['states']]: M['states'][S] extends { on: object } ? never : S
}[keyof M['states']] &
  string
/** Events that may leave state `S`. */
export type EventFrom<M extends AnyMachine, S extends StateOf<M>> = keyof NonNullable<M['states'][S]['on']> &
  string

/**
 * Declares a machine. Transition targets and `initial` are checked against the state names, at compile time and
 * again at run time (for tables built dynamically), so a typo is a `MachineDefinitionError`, not a stuck agent.
 *
 * ```ts
 * const charging = defineMachine({
 *   id: 'pile',
 *   initial: 'idle',
 *   states: {
 *     idle: { on: { CAR_ARRIVED: 'authenticating' } },
 *     authenticating: { on: { OWNER: 'charging', STRANGER: 'paying' } },
 *     …
 *   },
 * })
 * ```
 */
export function defineMachine<
  const States extends Record<string, StateDefinition<NoInfer<keyof States & string>>>,
>(definition: Machine<States>): Machine<States> {
  const { id, initial, states } = definition
  const names = Object.keys(states)
  if (!names.includes(initial)) {
    throw new MachineDefinitionError(
      `Machine ${id}: initial state ${initial} is not one of ${names.join(', ')}.`,
    )
  }
  for (const [name, state] of Object.entries(states)) {
    for (const [event, target] of Object.entries(state.on ?? {})) {
      if (!names.includes(target)) {
        throw new MachineDefinitionError(
          `Machine ${id}: ${name} --${event}--> ${target} leads to an unknown state.`,
        )
      }
    }
  }
  return definition
}

export function isFinalState(machine: AnyMachine, state: string): boolean {
  return machine.states[state]?.on === undefined
}

/** Renders the machine as a Mermaid `stateDiagram-v2`, for the agents' READMEs. */
export function toMermaid(machine: AnyMachine): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${machine.initial}`]
  for (const [name, state] of Object.entries(machine.states)) {
    if (state.description) lines.push(`  ${name}: ${name} — ${state.description}`)
  }
  for (const [name, state] of Object.entries(machine.states)) {
    if (!state.on) {
      lines.push(`  ${name} --> [*]`)
      continue
    }
    for (const [event, target] of Object.entries(state.on)) lines.push(`  ${name} --> ${target}: ${event}`)
  }
  return `${lines.join('\n')}\n`
}
