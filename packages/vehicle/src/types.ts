import type { Journal, Logger, Snapshot, StateOf } from '@chargechain/agent-core'
import type { ChargeChainClient } from '@chargechain/chain'
import type { Clock, IndicatorLights, VehicleEnergyMeter } from '@chargechain/hardware'
import type { LinkTransport } from '@chargechain/link'
import type { Hash, Hex } from 'viem'
import type { VehicleConfig } from './config.js'
import type { VehicleMachine } from './machine.js'
import type { PaymentKind, VehicleSession } from './session.js'

export type VehicleState = StateOf<VehicleMachine>

export interface VehicleAgentHardware {
  meter: VehicleEnergyMeter
  lights?: IndicatorLights
}

/** How the car reaches a pile: its Bluetooth serial port, TCP, or an in-memory pair in tests. */
export interface VehicleLink {
  /** Resolves with the transport once connected to a pile; rejects with `signal.reason` when aborted. */
  connect(signal: AbortSignal): Promise<LinkTransport>
}

export interface CreateVehicleAgentOptions {
  config: VehicleConfig
  hardware: VehicleAgentHardware
  link: VehicleLink
  /** A client bound to the deployment, with the car's key (it signs the challenge, vouchers and deposits). */
  chain: ChargeChainClient
  journal: Journal<VehicleSnapshot>
  logger: Logger
  clock: Clock
}

export interface VehicleData {
  session?: VehicleSession
  /** Latest cumulative amount signed per channel id (lower-case): the base of the next session's vouchers. */
  channels: Record<string, bigint>
  completed: number
}

export type VehicleSnapshot = Snapshot<VehicleState, VehicleData>

export interface VehicleStatus {
  state: VehicleState
  session?: { pileId: Hex; kind?: PaymentKind; energyWh: number; amount: bigint }
  completed: number
}

export interface VehicleSessionFinished {
  pileId: Hex
  kind: PaymentKind
  energyWh: number
  /** What this session cost (the session's share of a channel voucher). */
  amount: bigint
  settleTx?: Hash
  /** How the session ended on chain: settled by the pile, refunded, or pending (channel settles later). */
  outcome: 'settled' | 'refunded' | 'free' | 'pending'
}

export interface VehicleAgentEvents {
  state: [{ state: VehicleState; from?: VehicleState }]
  /** Every voucher the car signs, the final one included. */
  voucher: [{ pileId: Hex; energyWh: number; amount: bigint }]
  /** The pile's reading exceeded the car's own beyond tolerance; the car stopped the charge. */
  meterMismatch: [{ pileId: Hex; pileWh: number; ownWh: number }]
  sessionFinished: [VehicleSessionFinished]
  /** The car turned the pile away (wrong chain or contract, price too high) or was turned away. */
  sessionRefused: [{ pileId?: Hex; reason: string }]
  /** A state's action threw; the run rejects with the same error. */
  stepFailed: [{ error: unknown; state: VehicleState }]
}

export interface VehicleAgent {
  /** Serves one session per link connection until `signal` aborts, resuming from the journal first. */
  run(signal: AbortSignal): Promise<void>
  /** Runs until one session has finished (or been refused), then resolves. */
  runOnce(signal: AbortSignal): Promise<void>
  /**
   * The driver ends the charge: sends StopRequest{vehicleRequested} to the pile, which stops and collects the final
   * voucher as usual. Resolves `false` (nothing sent) when no charge is in progress.
   */
  requestStop(): Promise<boolean>
  status(): VehicleStatus
  on<E extends keyof VehicleAgentEvents>(
    event: E,
    listener: (...args: VehicleAgentEvents[E]) => void,
  ): () => void
}
