// The cases of the kill -9 matrix for one agent and flow: a kill at every state the flow enters, at each of its
// transactions, as its link messages reach the other side, and at seeded random moments (a time into the visit, the
// n-th journal write — torn or not —, the n-th link message, or a transaction), a fifth of them killing both agents.
import type { MessageType } from '@chargechain/link'
import { pileMachine } from '@chargechain/pile'
import { vehicleMachine } from '@chargechain/vehicle'
import { createRandom } from '../../src/random.js'
import type { CrashCase, Kill, Trigger } from './crashCase.js'
import type { AgentName, Flow } from './lane.js'

/** The seed of the random moments: `CRASH_SEED=n` replays a run; each case's name says its moment too. */
export const crashSeed = Number(process.env.CRASH_SEED ?? 20_251_130)
export const RANDOM_MOMENTS = 30

const statesOf: Record<AgentName, readonly string[]> = {
  pile: Object.keys(pileMachine.states),
  car: Object.keys(vehicleMachine.states),
}

/** States a flow never enters, and why; the matrix checks it from every state its cases journaled. */
export const unreachable: Record<AgentName, Partial<Record<Flow, Record<string, string>>>> = {
  pile: { free: { awaitingPayment: 'an owner or free-listed car is never asked to pay' } },
  car: {
    free: {
      paying: 'an owner or free-listed car is never asked to pay',
      opening: 'an owner or free-listed car opens no escrow session',
      presenting: 'an owner or free-listed car presents no payment',
    },
    channel: { opening: 'a channel payer presents its open channel; it opens no session' },
  },
}

/** States entered only after the link dropped mid-session: reached by a first kill, then killed there again. */
const reachedAfterKill: Record<AgentName, Record<string, string>> = {
  pile: {},
  car: { reconnecting: 'charging' },
}

/** Which of an agent's transactions a flow has: the car opens an escrow session, the pile settles it or a channel. */
const transactionsOf: Record<AgentName, Partial<Record<Flow, string>>> = {
  pile: { escrow: 'settle', channel: 'channel settle' },
  car: { escrow: 'open' },
}

function name(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'state':
      return `on entering ${trigger.state}`
    case 'after':
      return `${trigger.ms} ms after the car arrived`
    case 'journal':
      return `at the ${trigger.agent}'s journal write ${trigger.record}${trigger.tear ? ', torn' : ''}`
    case 'message':
      return `as the ${trigger.agent}'s ${trigger.type ? `${trigger.type} ${trigger.nth}` : `link message ${trigger.nth}`} reached the ${trigger.agent === 'pile' ? 'car' : 'pile'}`
    case 'transaction':
      return `${trigger.phase === 'before' ? 'as' : 'once'} the ${trigger.agent}'s transaction ${trigger.nth} ${trigger.phase === 'before' ? 'goes out' : 'reached the node, before its receipt'}`
  }
}

function crashCase(flow: Flow, kills: Kill[]): CrashCase {
  const text = kills.map((kill) => `${kill.victims.join(' and ')} killed ${name(kill.at)}`).join(', then ')
  return { name: text, flow, kills }
}

export function stateCases(agent: AgentName, flow: Flow): CrashCase[] {
  return statesOf[agent]
    .filter((state) => !unreachable[agent][flow]?.[state])
    .map((state) => {
      const kill: Kill = { victims: [agent], at: { kind: 'state', agent, state } }
      const first = reachedAfterKill[agent][state]
      return crashCase(
        flow,
        first ? [{ victims: [agent], at: { kind: 'state', agent, state: first } }, kill] : [kill],
      )
    })
}

export function transactionCases(agent: AgentName, flow: Flow): CrashCase[] {
  if (!transactionsOf[agent][flow]) return []
  return (['before', 'after'] as const).map((phase) =>
    crashCase(flow, [{ victims: [agent], at: { kind: 'transaction', agent, nth: 1, phase } }]),
  )
}

/** Link messages at which a kill leaves the other side a step ahead of the victim's journal. */
const messagesOf: Record<AgentName, Partial<Record<Flow, readonly MessageType[]>>> = {
  pile: {
    escrow: ['AuthResult', 'PaymentResult', 'ChargingStopped', 'Receipt'],
    channel: ['AuthResult', 'PaymentResult', 'ChargingStopped', 'Receipt'],
    free: ['AuthResult', 'ChargingStopped', 'Receipt'],
  },
  car: {
    escrow: ['Auth', 'PaymentOpened', 'VisitClosed'],
    channel: ['Auth', 'PaymentOpened', 'VisitClosed'],
    free: ['Auth', 'VisitClosed'],
  },
}

export function messageCases(agent: AgentName, flow: Flow): CrashCase[] {
  return (messagesOf[agent][flow] ?? []).map((type) =>
    crashCase(flow, [{ victims: [agent], at: { kind: 'message', agent, nth: 1, type } }]),
  )
}

/** The fewest journal writes an agent makes in a visit of the flow: a random write is one of these. */
const fewestRecords: Record<AgentName, Record<Flow, number>> = {
  pile: { escrow: 9, channel: 9, free: 8 },
  car: { escrow: 9, channel: 8, free: 6 },
}

/** The fewest link messages an agent sends in a visit of the flow (a DC pile may send no reading at all). */
const fewestMessages: Record<AgentName, Record<Flow, number>> = {
  pile: { escrow: 6, channel: 6, free: 5 },
  car: { escrow: 4, channel: 4, free: 2 },
}

/** Random moments: the same seed, agent and flow give the same cases. */
export function randomCases(agent: AgentName, flow: Flow, seed = crashSeed): CrashCase[] {
  const random = createRandom(
    seed ^ (agent === 'pile' ? 0x51 : 0xca) ^ { escrow: 1, free: 2, channel: 3 }[flow],
  )
  return Array.from({ length: RANDOM_MOMENTS }, (_, index) => {
    const roll = random.next()
    let at: Trigger
    if (roll < 0.3) at = { kind: 'after', ms: random.integer(0, 3_000) }
    else if (roll < 0.6)
      at = {
        kind: 'journal',
        agent,
        record: random.integer(1, fewestRecords[agent][flow]),
        tear: random.chance(0.5),
      }
    else if (roll < 0.8 || !transactionsOf[agent][flow])
      at = { kind: 'message', agent, nth: random.integer(1, fewestMessages[agent][flow]) }
    else at = { kind: 'transaction', agent, nth: 1, phase: random.chance(0.5) ? 'before' : 'after' }
    const victims: AgentName[] = random.chance(0.2) ? ['pile', 'car'] : [agent]
    const kase = crashCase(flow, [{ victims, at }])
    return { ...kase, name: `random moment ${index + 1}: ${kase.name}` }
  })
}
