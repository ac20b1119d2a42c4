import { formatEther } from 'viem'
import { type CarKind, type CurrencyKind, demoTokenSymbol } from './fleet.js'

/** The payment kind of a finished session, as the simulator counts them. */
export type SessionKind = 'free' | 'escrow' | 'channel'

export interface FinishedSession {
  kind: SessionKind
  energyWh: number
  /** What the car paid, in the currency's smallest unit (0 for a free session). */
  amount: bigint
  currency: CurrencyKind
}

export interface ProgressSnapshot {
  readonly sessions: Readonly<Record<SessionKind, number>>
  readonly energyWh: number
  readonly paid: Readonly<Record<CurrencyKind, bigint>>
  /** Visits that failed: an agent's step threw, or the visit itself did. */
  readonly errors: number
  /** Visits the pile ended without a charge: the car refused or was refused, went quiet, or never paid. */
  readonly abandoned: number
  readonly startedAt: number
}

/** Counts what the fleet has done, for the live line and the final summary. */
export interface Progress {
  sessionFinished(session: FinishedSession): void
  error(): void
  abandoned(): void
  snapshot(): ProgressSnapshot
}

export function createProgress(now: () => number = Date.now): Progress {
  const sessions: Record<SessionKind, number> = { free: 0, escrow: 0, channel: 0 }
  const paid: Record<CurrencyKind, bigint> = { native: 0n, demoToken: 0n }
  let energyWh = 0
  let errors = 0
  let abandoned = 0
  const startedAt = now()
  return {
    sessionFinished(session) {
      sessions[session.kind]++
      energyWh += session.energyWh
      paid[session.currency] += session.amount
    },
    error() {
      errors++
    },
    abandoned() {
      abandoned++
    },
    snapshot: () => ({
      sessions: { ...sessions },
      energyWh,
      paid: { ...paid },
      errors,
      abandoned,
      startedAt,
    }),
  }
}

const decimals = (value: bigint, places: number) => {
  const [whole = '0', fraction = ''] = formatEther(value).split('.')
  return places === 0 ? whole : `${whole}.${fraction.padEnd(places, '0').slice(0, places)}`
}

/**
 * One line: `sessions 12 (free 3 · escrow 5 · channel 4) · 84.2 kWh · paid 0.0251 ETH + 30.12 CCD · errors 0 ·
 * abandoned 0 · 41 s`.
 */
export function formatProgress(snapshot: ProgressSnapshot, now: number = Date.now()): string {
  const { sessions } = snapshot
  const total = sessions.free + sessions.escrow + sessions.channel
  const seconds = Math.round((now - snapshot.startedAt) / 1_000)
  return [
    `sessions ${total} (free ${sessions.free} · escrow ${sessions.escrow} · channel ${sessions.channel})`,
    `${(snapshot.energyWh / 1_000).toFixed(1)} kWh`,
    `paid ${decimals(snapshot.paid.native, 4)} ETH + ${decimals(snapshot.paid.demoToken, 2)} ${demoTokenSymbol}`,
    `errors ${snapshot.errors}`,
    `abandoned ${snapshot.abandoned}`,
    `${seconds} s`,
  ].join(' · ')
}

/** The kind of session a car's visit is expected to end as. */
export function expectedKind(car: CarKind): SessionKind {
  return car === 'owner' ? 'free' : car
}

export interface ProgressReporter {
  stop(): void
}

/**
 * Shows the progress line: redrawn in place a few times a second on a terminal, a plain line every `plainEveryMs`
 * otherwise (a log file or CI must not fill with carriage returns).
 */
export function reportProgress(
  progress: Progress,
  output: NodeJS.WriteStream,
  options: { plainEveryMs?: number } = {},
): ProgressReporter {
  const tty = output.isTTY === true
  const draw = () => {
    const line = formatProgress(progress.snapshot())
    output.write(tty ? `\r\x1b[2K${line}` : `${line}\n`)
  }
  const timer = setInterval(draw, tty ? 250 : (options.plainEveryMs ?? 5_000))
  return {
    stop() {
      clearInterval(timer)
      draw()
      if (tty) output.write('\n')
    },
  }
}
