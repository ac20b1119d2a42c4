import type { meterFlag } from './schema/enums.js'

/** A meter register reading: the energy counter (Wh) and when the meter took it. */
export interface Reading {
  energyWh: number
  at: Date
}

export type MeterFlag = (typeof meterFlag.enumValues)[number]

export interface ReadingLimits {
  /** The pile's rated power; without it, jumps cannot be judged and only order and direction are checked. */
  ratedPowerW?: number | null
  /** How far above the rated power the meter may seem to run (its accuracy class, clock drift); 1.1 by default. */
  powerMargin?: number
  /** Wh allowed beyond that: the meter's resolution (the DDSD1352 counts 10 Wh steps); 10 by default. */
  slackWh?: number
}

/**
 * Whether a reading may count toward totals, judged against the last reading that did: `null` if it counts, else
 * why it is kept out. A counter that goes back (`decreasing`: the SteVe #1297 bug, a meterStop below meterStart,
 * billed negative or wrapped), a reading not later than the last (`notAfterPrevious`), or more energy than the
 * rated power could deliver in the time between (`implausibleJump`). The first reading of a connector counts.
 */
export function checkReading(
  previous: Reading | undefined,
  next: Reading,
  limits: ReadingLimits = {},
): MeterFlag | null {
  if (previous === undefined) return null
  const seconds = (next.at.getTime() - previous.at.getTime()) / 1000
  if (seconds <= 0) return 'notAfterPrevious'
  const deltaWh = next.energyWh - previous.energyWh
  if (deltaWh < 0) return 'decreasing'
  const { ratedPowerW, powerMargin = 1.1, slackWh = 10 } = limits
  if (ratedPowerW == null) return null
  const possibleWh = (ratedPowerW * powerMargin * seconds) / 3600 + slackWh
  return deltaWh > possibleWh ? 'implausibleJump' : null
}
