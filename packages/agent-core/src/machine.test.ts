import { describe, expect, it } from 'vitest'
import { MachineDefinitionError } from './errors.js'
import {
  defineMachine,
  type EventFrom,
  type FinalStateOf,
  isFinalState,
  type StateOf,
  toMermaid,
} from './machine.js'

const session = defineMachine({
  id: 'session',
  initial: 'idle',
  states: {
    idle: { on: { CAR_ARRIVED: 'authenticating' }, description: 'waiting for a car' },
    authenticating: { on: { OWNER: 'charging', STRANGER: 'paying', FAILED: 'idle' } },
    paying: { on: { DEPOSITED: 'charging' } },
    charging: { on: { UNPLUGGED: 'settled' } },
    settled: {},
  },
})

describe('defineMachine', () => {
  it('derives state, event and final-state types from the table', () => {
    const state: StateOf<typeof session> = 'paying'
    const final: FinalStateOf<typeof session> = 'settled'
    const event: EventFrom<typeof session, 'authenticating'> = 'STRANGER'
    // @ts-expect-error a state the table does not have
    const unknown: StateOf<typeof session> = 'sleeping'
    expect([state, final, event, unknown]).toHaveLength(4)
    expect(isFinalState(session, 'settled')).toBe(true)
    expect(isFinalState(session, 'charging')).toBe(false)
  })

  it('rejects a transition to an unknown state and an unknown initial state', () => {
    expect(() =>
      defineMachine({
        id: 'typo',
        initial: 'idle',
        // @ts-expect-error the target is misspelt, which the compiler catches too
        states: { idle: { on: { GO: 'chargin' } }, charging: {} },
      }),
    ).toThrow(/idle --GO--> chargin/)
    const table: Record<string, { on?: Record<string, string> }> = { idle: { on: { GO: 'nowhere' } } }
    expect(() => defineMachine({ id: 'broken', initial: 'idle', states: table })).toThrow(
      MachineDefinitionError,
    )
    expect(() => defineMachine({ id: 'broken', initial: 'idle', states: table })).toThrow(
      'Machine broken: idle --GO--> nowhere leads to an unknown state.',
    )
    expect(() =>
      defineMachine({ id: 'empty', initial: 'idle', states: {} as Record<string, object> }),
    ).toThrow(/initial state idle/)
  })
})

describe('toMermaid', () => {
  it('renders every state and transition as a state diagram', () => {
    expect(toMermaid(session)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> idle',
        '  idle: idle — waiting for a car',
        '  idle --> authenticating: CAR_ARRIVED',
        '  authenticating --> charging: OWNER',
        '  authenticating --> paying: STRANGER',
        '  authenticating --> idle: FAILED',
        '  paying --> charging: DEPOSITED',
        '  charging --> settled: UNPLUGGED',
        '  settled --> [*]',
        '',
      ].join('\n'),
    )
  })
})
