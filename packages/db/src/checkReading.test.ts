// The meter rule (SteVe #1297): each case states the exact verdict. Breaks tried: `deltaWh < 0` → `deltaWh < -1`
// fails "a counter that goes back"; dropping the margin fails "just within"; `seconds <= 0` → `< 0` fails "the same
// moment twice".
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkReading } from './checkReading.js'

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000)
const previous = { energyWh: 10_000, at: at(0) }
// 7 kW for 60 s is 116.67 Wh; with the 10 % margin 128.33 Wh, plus 10 Wh of resolution: 138.33 Wh.
const limits = { ratedPowerW: 7000 }

describe('checkReading', () => {
  it('counts the first reading of a connector', () => {
    expect(checkReading(undefined, { energyWh: 0, at: at(0) }, limits)).toBeNull()
  })

  it('counts a reading the rated power explains', () => {
    expect(checkReading(previous, { energyWh: 10_100, at: at(60) }, limits)).toBeNull()
    expect(checkReading(previous, { energyWh: 10_000, at: at(60) }, limits)).toBeNull()
  })

  it('counts a reading just within the power margin and resolution, refuses one just beyond', () => {
    expect(checkReading(previous, { energyWh: 10_138, at: at(60) }, limits)).toBeNull()
    expect(checkReading(previous, { energyWh: 10_139, at: at(60) }, limits)).toBe('implausibleJump')
  })

  it('refuses a counter that goes back (a meterStop below meterStart)', () => {
    expect(checkReading(previous, { energyWh: 9_999, at: at(60) }, limits)).toBe('decreasing')
    expect(checkReading(previous, { energyWh: 0, at: at(3600) }, {})).toBe('decreasing')
  })

  it('refuses a reading taken at the same moment twice, or earlier', () => {
    expect(checkReading(previous, { energyWh: 10_000, at: at(0) }, limits)).toBe('notAfterPrevious')
    expect(checkReading(previous, { energyWh: 10_050, at: at(-10) }, limits)).toBe('notAfterPrevious')
  })

  it('refuses a jump of a whole day of energy in one minute', () => {
    expect(checkReading(previous, { energyWh: 10_000 + 7000 * 24, at: at(60) }, limits)).toBe(
      'implausibleJump',
    )
  })

  it('without a rated power judges only time and direction', () => {
    expect(checkReading(previous, { energyWh: 10_000_000, at: at(1) }, { ratedPowerW: null })).toBeNull()
    expect(checkReading(previous, { energyWh: 9_000, at: at(1) }, { ratedPowerW: null })).toBe('decreasing')
  })

  it('never counts a reading below the previous or more than the power allows (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: 1000, max: 350_000 }),
        (start, deltaWh, seconds, ratedPowerW) => {
          const flag = checkReading(
            { energyWh: start, at: at(0) },
            { energyWh: start + deltaWh, at: at(seconds) },
            { ratedPowerW },
          )
          const possible = (ratedPowerW * 1.1 * seconds) / 3600 + 10
          expect(flag).toBe(deltaWh < 0 ? 'decreasing' : deltaWh > possible ? 'implausibleJump' : null)
        },
      ),
    )
  })
})
