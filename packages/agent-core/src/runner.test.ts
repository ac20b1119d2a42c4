import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { InvalidTransitionError, JournalCorruptError, MachineDefinitionError } from './errors.js'
import { openJournal } from './journal.js'
import { defineJournalSchema } from './journalSchema.js'
import { createLogger } from './logger.js'
import { type AnyMachine, defineMachine, type StateOf } from './machine.js'
import { type EntryActions, runMachine, type Snapshot, STATE_ENTERED } from './runner.js'

const machine = defineMachine({
  id: 'payment',
  initial: 'idle',
  states: {
    idle: { on: { ARRIVED: 'paying' } },
    paying: { on: { PAID: 'charging', REFUSED: 'idle' } },
    charging: { on: { DONE: 'settled' } },
    settled: {},
  },
})
type Data = { nonce?: number; paidWei?: bigint }
const paymentJournal = defineJournalSchema<Snapshot<StateOf<typeof machine>, Data>>({
  name: 'payment',
  version: 1,
})

/** A logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  return { lines, logger: createLogger({ name: 'test', destination }) }
}

const journalPath = async () => join(await mkdtemp(join(tmpdir(), 'runner-')), 'agent.journal')

describe('runMachine', () => {
  it('runs entry actions to a final state, journaling each state before its action runs', async () => {
    const path = await journalPath()
    const journal = await openJournal(path, paymentJournal)
    const { lines, logger } = capturingLogger()
    const journaledOnEntry: string[] = []
    const seen = (state: string) => journaledOnEntry.push(`${state}@${journal.replay()?.value.state}`)
    const actions: EntryActions<typeof machine, Data> = {
      idle: async () => {
        seen('idle')
        return { event: 'ARRIVED', data: { nonce: 7 } }
      },
      paying: async ({ data }) => {
        seen('paying')
        return { event: 'PAID', data: { ...data, paidWei: 10n ** 18n } }
      },
      charging: async () => {
        seen('charging')
        return { event: 'DONE' }
      },
    }
    const final = await runMachine({ machine, actions, journal, logger, initialData: {} })
    expect(final).toEqual({ state: 'settled', event: 'DONE', data: { nonce: 7, paidWei: 10n ** 18n } })
    expect(journaledOnEntry).toEqual(['idle@idle', 'paying@paying', 'charging@charging'])
    expect(lines.filter((line) => line.msg === STATE_ENTERED).map((line) => line.state)).toEqual([
      'idle',
      'paying',
      'charging',
      'settled',
    ])
    await journal.close()
  })

  it('resumes at the journaled state with its data, flagged as resumed, and never reruns a finished machine', async () => {
    const path = await journalPath()
    const first = await openJournal(path, paymentJournal)
    await first.append({ state: 'idle', data: {} })
    await first.append({ state: 'charging', data: { nonce: 9 }, event: 'PAID' })
    await first.close()

    const calls: string[] = []
    const actions: EntryActions<typeof machine, Data> = {
      idle: async () => {
        calls.push('idle')
        return { event: 'ARRIVED' }
      },
      paying: async () => {
        calls.push('paying')
        return { event: 'PAID' }
      },
      charging: async ({ data, resumed }) => {
        calls.push(`charging nonce=${data.nonce} resumed=${resumed}`)
        return { event: 'DONE' }
      },
    }
    const journal = await openJournal(path, paymentJournal)
    const { logger } = capturingLogger()
    await runMachine({ machine, actions, journal, logger, initialData: {} })
    await journal.close()
    expect(calls).toEqual(['charging nonce=9 resumed=true'])

    const again = await openJournal(path, paymentJournal)
    const final = await runMachine({ machine, actions, journal: again, logger, initialData: {} })
    expect(final.state).toBe('settled')
    expect(calls).toHaveLength(1)
    await again.close()
  })

  it('stops with InvalidTransitionError on an event the state does not accept, leaving the journal at that state', async () => {
    const journal = await openJournal(await journalPath(), paymentJournal)
    const actions = {
      idle: async () => ({ event: 'DONE' }),
      paying: async () => ({ event: 'PAID' }),
      charging: async () => ({ event: 'DONE' }),
    }
    const { logger } = capturingLogger()
    // Typed as AnyMachine, like a table built at run time: the types cannot check the events; the runner does.
    const run = runMachine<AnyMachine, Data>({ machine, actions, journal, logger, initialData: {} })
    await expect(run).rejects.toThrow(new InvalidTransitionError('payment', 'idle', 'DONE', ['ARRIVED']))
    expect(journal.replay()?.value.state).toBe('idle')
    await journal.close()
  })

  it('refuses a missing action and a journal from a different machine', async () => {
    const { logger } = capturingLogger()
    const journal = await openJournal(await journalPath(), paymentJournal)
    const partial = { idle: async () => ({ event: 'ARRIVED' as const }) }
    // As above: only the runner can see that a table built at run time lacks an action.
    await expect(
      runMachine<AnyMachine, Data>({ machine, actions: partial, journal, logger, initialData: {} }),
    ).rejects.toThrow(MachineDefinitionError)
    await journal.append({ state: 'dancing' as 'idle', data: {} })
    const actions: EntryActions<typeof machine, Data> = {
      idle: async () => ({ event: 'ARRIVED' }),
      paying: async () => ({ event: 'PAID' }),
      charging: async () => ({ event: 'DONE' }),
    }
    await expect(runMachine({ machine, actions, journal, logger, initialData: {} })).rejects.toThrow(
      JournalCorruptError,
    )
    await journal.close()
  })

  it('stops between steps when its signal aborts', async () => {
    const journal = await openJournal(await journalPath(), paymentJournal)
    const controller = new AbortController()
    const reason = new Error('shutting down')
    const actions: EntryActions<typeof machine, Data> = {
      idle: async () => ({ event: 'ARRIVED' }),
      paying: async () => {
        controller.abort(reason)
        return { event: 'PAID' }
      },
      charging: async () => ({ event: 'DONE' }),
    }
    const { logger } = capturingLogger()
    await expect(
      runMachine({ machine, actions, journal, logger, initialData: {}, signal: controller.signal }),
    ).rejects.toBe(reason)
    expect(journal.replay()?.value.state).toBe('paying')
    await journal.close()
  })
})
