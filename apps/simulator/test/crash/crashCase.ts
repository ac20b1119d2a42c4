// One case of the crash matrix on a lane: a visit (arrive, pair, pay, plug, charge, unplug, leave) during which the
// chosen agents are killed with SIGKILL at the chosen moment and started again on their journals, until the visit is
// over for both: the car gone, the pile idle, the car waiting for its next pile with the visit counted.
import { watch } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { STATE_ENTERED } from '@chargechain/agent-core'
import type { AgentProcess } from '@chargechain/agent-core/testing'
import type { MessageType } from '@chargechain/link'
import { AgentDiedError, MomentMissedError, VisitUnfinishedError } from './errors.js'
import { carRecords, countLines, pileRecords, tearLastRecord } from './journals.js'
import type { AgentName, Flow, Lane, LaneAgent } from './lane.js'

/** The moment a kill comes. */
export type Trigger =
  /** The agent logs that it entered the state (its journal already holds it; its action has just begun). */
  | { kind: 'state'; agent: AgentName; state: string }
  /** Real milliseconds after the car arrived. */
  | { kind: 'after'; ms: number }
  /**
   * The agent's `record`-th journal write of the visit reaches the file. With `tear`, the record is then cut in half
   * (a power cut mid-write) unless the agent had already finished the write — which its log tells.
   */
  | { kind: 'journal'; agent: AgentName; record: number; tear: boolean }
  /** The agent's `nth` transaction of the visit: just before it goes to the node, or once the node took it. */
  | { kind: 'transaction'; agent: AgentName; nth: number; phase: 'before' | 'after' }
  /** The `nth` link message of the visit from the agent (of `type`, if given) has reached the other side. */
  | { kind: 'message'; agent: AgentName; nth: number; type?: MessageType }

export interface Kill {
  victims: readonly AgentName[]
  at: Trigger
}

export interface CrashCase {
  name: string
  flow: Flow
  kills: readonly Kill[]
}

export interface KillReport {
  victims: readonly AgentName[]
  /** The state each victim had last entered when it died. */
  states: Partial<Record<AgentName, string | undefined>>
  /** The sequence number of the journal record torn by the kill, if one was. */
  torn?: number
}

/** The part of the world the oracle compares before and after the visit. */
export interface Counts {
  pileCompleted: number
  carCompleted: number
  /** The journals' last sequence numbers: records past them are the visit's. */
  pileSeq: number
  carSeq: number
}

export interface Visit {
  kills: KillReport[]
  /** The car's own count of the visit ended with it physically gone. */
  carPresent: boolean
  pileState: string | undefined
  carState: string | undefined
  /** The states each agent journaled during the visit, in order. */
  journaled: Record<AgentName, string[]>
  /** How the car's journal says it paid in this visit: each kind of session it took, once. */
  paidBy: string[]
}

const TARGET_WH = 300
const PILE_DONE = new Set(['stopping', 'settling', 'receipt', 'departing'])

/** Runs the visit with its kills; rejects when `signal` aborts (the case's deadline) or a kill's moment never comes. */
export async function runVisit(
  lane: Lane,
  kase: CrashCase,
  before: Counts,
  signal: AbortSignal,
): Promise<Visit> {
  const arrivedAt = performance.now()
  const over = new AbortController()
  const driving = drive(lane, signal)
  const killing = (async () => {
    const reports: KillReport[] = []
    const until = AbortSignal.any([signal, over.signal])
    // Processes started after a kill in this visit: everything they log belongs to it.
    const restarted = new Set<AgentProcess>()
    for (const kill of kase.kills) reports.push(await strike(lane, kill, { arrivedAt, restarted }, until))
    return reports
  })()
  let kills: KillReport[] | undefined
  let failure: unknown
  killing.then(
    (reports) => {
      kills = reports
    },
    (error: unknown) => {
      failure = error
    },
  )
  const pending = kase.kills.map((kill) => kill.at.kind)
  try {
    await driving
    for (;;) {
      if (failure) throw failure
      for (const agent of [lane.pileAgent, lane.carAgent]) {
        const exit = agent.process?.exit
        if (exit)
          throw new AgentDiedError(
            `The ${agent.name} agent's process exited by itself (${JSON.stringify(exit)}).`,
            {
              details: agent.process?.stderr.slice(0, 800),
            },
          )
      }
      if (await visitOver(lane, before)) {
        if (kills) break
        // A moment still to come at a fixed time will come; any other has passed unseen.
        if (!pending.includes('after'))
          over.abort(new MomentMissedError(`The kill's moment never came in this visit: ${describe(kase)}.`))
      }
      await sleep(100, undefined, { signal })
    }
  } catch (error) {
    if (!signal.aborted) throw error
    throw new VisitUnfinishedError('The visit did not finish in time.', {
      details: await stuck(lane, before, kills),
    })
  }
  const [car, pile] = await Promise.all([
    carRecords(lane.carAgent.journal),
    pileRecords(lane.pileAgent.journal),
  ])
  return {
    kills,
    carPresent: lane.world.state().carPresent,
    pileState: lane.pileAgent.state(),
    carState: lane.carAgent.state(),
    journaled: {
      pile: pile.filter((record) => record.seq > before.pileSeq).map((record) => record.value.state),
      car: car.filter((record) => record.seq > before.carSeq).map((record) => record.value.state),
    },
    paidBy: [
      ...new Set(
        car.flatMap((record) => {
          const kind = record.value.data.session?.kind
          // Only a session that may charge says how it is paid; the handshake's phases do not.
          return record.seq > before.carSeq && (kind === 'free' || kind === 'escrow' || kind === 'channel')
            ? [kind]
            : []
        }),
      ),
    ],
  }
}

/** Where a visit that ran out of time stood: for the failure message. */
async function stuck(lane: Lane, before: Counts, kills: KillReport[] | undefined): Promise<string> {
  const [car, pile] = await Promise.all([
    carRecords(lane.carAgent.journal),
    pileRecords(lane.pileAgent.journal),
  ])
  const trail = (records: { seq: number; value: { state: string } }[], from: number) =>
    records
      .filter((record) => record.seq > from)
      .map((record) => record.value.state)
      .join(' → ')
  const world = lane.world.state()
  const recent = (agent: LaneAgent) => {
    const process = agent.process
    const exit = process?.exit
      ? [`    exited ${JSON.stringify(process.exit)}: ${process.stderr.slice(-600)}`]
      : []
    const lines = (process?.logs.slice(-12) ?? []).map(
      (line) =>
        `    ${line.msg}${line.state ? ` ${line.state}` : ''}${line.err ? ` ${JSON.stringify(line.err).slice(0, 300)}` : ''}`,
    )
    return [...exit, ...lines].join('\n')
  }
  return [
    `kills done: ${kills ? JSON.stringify(kills) : 'not all'}`,
    `world: car ${world.carPresent ? 'present' : 'gone'}, plugged ${world.plugged}, link ${world.linkConnected}`,
    `pile now ${lane.pileAgent.state()}, journaled ${trail(pile, before.pileSeq)}`,
    `car now ${lane.carAgent.state()}, journaled ${trail(car, before.carSeq)}`,
    `pile's last log lines:\n${recent(lane.pileAgent)}`,
    `car's last log lines:\n${recent(lane.carAgent)}`,
  ].join('\n')
}

function describe(kase: CrashCase) {
  return kase.kills.map((kill) => `${kill.victims.join('+')} at ${JSON.stringify(kill.at)}`).join(', then ')
}

/** Both agents rest and the car counted one more visit: the pile idle, the car waiting, the car gone. */
async function visitOver(lane: Lane, before: Counts): Promise<boolean> {
  if (lane.world.state().carPresent) return false
  if (lane.pileAgent.state() !== 'idle' || lane.carAgent.state() !== 'waiting') return false
  const [car, pile] = await Promise.all([
    carRecords(lane.carAgent.journal),
    pileRecords(lane.pileAgent.journal),
  ])
  return (
    (car.at(-1)?.value.data.completed ?? 0) > before.carCompleted &&
    (pile.at(-1)?.value.data.completed ?? 0) > before.pileCompleted
  )
}

export async function counts(lane: Lane): Promise<Counts> {
  const [car, pile] = await Promise.all([
    carRecords(lane.carAgent.journal),
    pileRecords(lane.pileAgent.journal),
  ])
  return {
    carCompleted: car.at(-1)?.value.data.completed ?? 0,
    pileCompleted: pile.at(-1)?.value.data.completed ?? 0,
    carSeq: car.at(-1)?.seq ?? 0,
    pileSeq: pile.at(-1)?.seq ?? 0,
  }
}

/** Plays the driver and the physics around one visit, until the car has driven off. */
async function drive(lane: Lane, signal: AbortSignal) {
  const { world } = lane
  let plugged = false
  let unplugged = false
  let startWh = 0
  world.arrive()
  for (;;) {
    signal.throwIfAborted()
    const state = lane.pileAgent.state()
    const now = world.state()
    if (now.carPresent && world.pile.bluetoothPower.physical() && !now.linkConnected) world.connectLink()
    if (state === 'starting' && !plugged) {
      world.plug()
      plugged = true
      startWh = now.gridEnergyWh
    }
    if (plugged && !unplugged && (now.gridEnergyWh - startWh >= TARGET_WH || PILE_DONE.has(state ?? ''))) {
      world.unplug()
      unplugged = true
    }
    if (state === 'departing' && !world.state().plugged) {
      world.leave()
      return
    }
    await sleep(10, undefined, { signal })
  }
}

/** Waits for the kill's moment, kills its victims there, tears the journal record if asked, and starts them again. */
async function strike(
  lane: Lane,
  kill: Kill,
  { arrivedAt, restarted }: { arrivedAt: number; restarted: Set<AgentProcess> },
  signal: AbortSignal,
): Promise<KillReport> {
  const victims = kill.victims.map((name) => agentOf(lane, name))
  const report: KillReport = { victims: kill.victims, states: {} }
  const killAll = async () => {
    for (const victim of victims) report.states[victim.name] = victim.state()
    // Every signal goes out before any exit is awaited: "both at once" is one instant.
    await Promise.all(victims.map((victim) => victim.kill()))
  }
  const { at } = kill
  if (at.kind === 'after') {
    await sleep(Math.max(0, arrivedAt + at.ms - performance.now()), undefined, { signal })
    await killAll()
  } else if (at.kind === 'state') {
    const watched = agentOf(lane, at.agent)
    await moment(signal, (fire) => {
      const process = watched.process
      if (!process) throw new MomentMissedError(`The ${watched.name} agent is not running to watch.`)
      const isMoment = (line: Record<string, unknown>) =>
        line.msg === STATE_ENTERED && line.state === at.state
      // A process started in this visit (after an earlier kill) may have entered the state before we looked.
      if (restarted.has(process) && process.logs.some(isMoment)) {
        fire(killAll())
        return () => {}
      }
      return process.onLog((line) => {
        if (isMoment(line)) fire(killAll())
      })
    })
  } else if (at.kind === 'journal') {
    const watched = agentOf(lane, at.agent)
    const process = watched.process
    const start = await countLines(watched.journal)
    let fired = false
    await moment(signal, (fire) => {
      const watcher = watch(watched.journal, () => {
        if (fired) return
        void countLines(watched.journal).then((lines) => {
          if (fired || lines - start < at.record) return
          fired = true
          fire(killAll())
        })
      })
      return () => watcher.close()
    })
    if (at.tear) {
      const records = await (at.agent === 'pile' ? pileRecords : carRecords)(watched.journal)
      const last = records.at(-1)?.seq
      // Torn only if the write was still under way: the agent logs a record's state once it is on disk.
      const written = process?.logs.some((line) => line.msg === STATE_ENTERED && line.seq === last)
      if (last !== undefined && !written) report.torn = await tearLastRecord(watched.journal)
    }
  } else if (at.kind === 'message') {
    let seen = 0
    await moment(signal, (fire) => {
      lane.radio.onMessage = (from, type) => {
        if (from !== at.agent || (at.type && type !== at.type) || ++seen !== at.nth) return
        lane.radio.onMessage = undefined
        fire(killAll())
      }
      return () => {
        lane.radio.onMessage = undefined
      }
    })
  } else {
    const watched = agentOf(lane, at.agent)
    const first = watched.tap.transactions
    await moment(signal, (fire) => {
      watched.tap.onTransaction = (phase, nth) => {
        if (phase !== at.phase || nth - first !== at.nth) return
        watched.tap.onTransaction = undefined
        // Held until the agent is dead: it never hears of the transaction's fate (nor sends it, before).
        const killed = killAll()
        fire(killed)
        return killed.then(() => (phase === 'before' ? 'drop' : undefined))
      }
      return () => {
        watched.tap.onTransaction = undefined
      }
    })
  }
  if (kill.victims.includes('pile')) await lane.pileHardwareReleased()
  await Promise.all(
    victims.map(async (victim) => {
      await victim.start()
      if (victim.process) restarted.add(victim.process)
    }),
  )
  return report
}

function agentOf(lane: Lane, name: AgentName): LaneAgent {
  return name === 'pile' ? lane.pileAgent : lane.carAgent
}

/**
 * Resolves once `arm`'s trigger fired and its kill finished; rejects with the signal's reason if it never fires.
 * `arm` returns its disarm.
 */
async function moment(
  signal: AbortSignal,
  arm: (fire: (killed: Promise<void>) => void) => () => void,
): Promise<void> {
  signal.throwIfAborted()
  let disarm: (() => void) | undefined
  try {
    // Resolved with the kill's promise, so this waits for the victims' exit too.
    await new Promise<void>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      disarm = arm(resolve)
    })
  } finally {
    disarm?.()
  }
}
