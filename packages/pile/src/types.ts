import type { Journal, Logger, Snapshot, StateOf } from '@chargechain/agent-core'
import type { ChargeChainClient } from '@chargechain/chain'
import type {
  ArrivalSensor,
  Clock,
  EnergyMeter,
  GunSensor,
  LinkStatus,
  MeterReading,
  PowerSwitch,
  Relay,
} from '@chargechain/hardware'
import type { LinkTransport, StopReason } from '@chargechain/link'
import type { Address, Hash, Hex } from 'viem'
import type { ChannelLedger } from './channelLedger/types.js'
import type { PileConfig } from './config.js'
import type { PileMachine } from './machine.js'
import type { PileSession, SessionKind } from './session.js'

export type PileState = StateOf<PileMachine>

/** The pile's hardware; only what a pile without Bluetooth power control or STATE line lacks is optional. */
export interface PileAgentHardware {
  arrival: ArrivalSensor
  gun: GunSensor
  relay: Relay
  meter: EnergyMeter
  /** HC-05 EN: powered only while a car is present. */
  bluetoothPower?: PowerSwitch
  /** HC-05 STATE: high while the car is connected (logged; the link itself is the transport). */
  linkStatus?: LinkStatus
}

/** Where the car's byte stream comes from: the HC-05 serial port, TCP, or an in-memory pair in tests. */
export interface PileLink {
  /** Resolves with the transport once a car is connected; rejects with `signal.reason` when aborted. */
  accept(signal: AbortSignal): Promise<LinkTransport>
}

export interface CreatePileAgentOptions {
  config: PileConfig
  hardware: PileAgentHardware
  link: PileLink
  /** A client bound to the deployment, with the pile agent's key (it settles escrow sessions). */
  chain: ChargeChainClient
  journal: Journal<PileSnapshot>
  logger: Logger
  clock: Clock
  /** The operator's channel ledger; without one the pile refuses channel payments and asks for escrow. */
  channelLedger?: ChannelLedger
}

export interface PileData {
  session?: PileSession
  /** Sessions finished since the journal began; for status. */
  completed: number
  /** The operator made the pile unavailable (ChangeAvailability Inoperative); kept across restarts. */
  unavailable?: true
}

export type PileSnapshot = Snapshot<PileState, PileData>

export interface PileStatus {
  state: PileState
  session?: {
    id: Hex
    kind?: SessionKind
    vehicle?: Address
    energyWh: number
    /** Amount vouchered so far (the session's part of a channel voucher). */
    amount: bigint
    /** The operator's limit, when one was set. */
    stopAtWh?: number
  }
  /** False while the operator made the pile unavailable: it takes no new car. */
  available: boolean
  completed: number
}

export interface SessionFinished {
  id: Hex
  kind: SessionKind
  vehicle: Address
  energyWh: number
  amount: bigint
  settleTx?: Hash
  stopReason?: string
  /** The meter's energy register when charging began (absent when it never began), Wh. */
  meterStartWh?: number
  /** When charging ended, clock ms. */
  endedAt?: number
}

/** What the agent reports as it goes (the simulator's progress line, later the management system). */
export interface PileAgentEvents {
  state: [{ state: PileState; from?: PileState; event?: string }]
  /** The relay closed: `meterStartWh` is the energy register then, `at` the clock ms. */
  sessionStarted: [
    {
      id: Hex
      kind: SessionKind
      vehicle: Address
      meterStartWh: number
      at: number
      /** What the operator's books file the session under: the escrow's session id on chain, else the pile's `id`. */
      sessionId: Hex
      /** The payment channel of a channel session. */
      channelId?: Hex
    },
  ]
  /** A reading while charging: `energyWh` the session's, `registerWh` the meter's, `at` the reading's clock ms. */
  meter: [
    {
      id: Hex
      energyWh: number
      voucheredWh: number
      amount: bigint
      registerWh: number
      powerW: number
      at: number
    },
  ]
  sessionFinished: [SessionFinished]
  /** A session that ended without charging: the car was rejected, went away or never plugged in. */
  sessionAbandoned: [{ id: Hex; reason: string }]
  /** The operator made the pile available or unavailable (`setAvailable`). */
  availability: [{ available: boolean }]
  /** A state's action threw; the run rejects with the same error. */
  stepFailed: [{ error: unknown; state: PileState }]
}

export interface PileAgent {
  /**
   * Serves car after car until `signal` aborts, resuming from the journal first. On abort the relay is switched off
   * and the link closed; the promise then resolves. Rejects if a state fails (the journal keeps the state; a new
   * agent on the same journal retries it).
   */
  run(signal: AbortSignal): Promise<void>
  status(): PileStatus
  /**
   * The operator stops session `sessionId` (`reason` 'operatorStopped' by default): the relay goes off and the session
   * settles like every other stop, the car paying what it vouchered. False when that session is not in progress.
   */
  stop(sessionId: string, reason?: StopReason): boolean
  /**
   * The operator limits session `sessionId` to `energyWh` delivered: it stops ('targetReached') at the first reading at
   * or above it. The limit is journaled and survives a restart. False when that session is not charging.
   */
  stopAt(sessionId: string, energyWh: number): boolean
  /**
   * Reads the pile's meter now, whatever the pile is doing (the operator asked for it: OCPP's TriggerMessage
   * MeterValues). Retries as `config.meter` says; `MeterUnavailableError` after too many failures.
   */
  readMeter(): Promise<MeterReading>
  /**
   * An unavailable pile takes no new car; a car already charging carries on. Journaled: a restarted pile stays as the
   * operator left it. Resolves once it is on disk.
   */
  setAvailable(available: boolean): Promise<void>
  on<E extends keyof PileAgentEvents>(event: E, listener: (...args: PileAgentEvents[E]) => void): () => void
}
