import { describe, expect, it } from 'vitest'
import {
  formatAmount,
  formatCompact,
  formatDateTime,
  formatDay,
  formatDuration,
  formatKWh,
  formatShortDay,
  NATIVE_CURRENCY,
  shortHex,
  unitsToDecimal,
} from './format'

describe('formats per language', () => {
  it('writes a moment as each language does', () => {
    const at = '2026-11-30T20:15:03.000Z'
    expect(formatDateTime('en-US', at, 'UTC')).toBe('11/30/2026, 08:15:03 PM')
    expect(formatDateTime('zh-CN', at, 'UTC')).toBe('2026/11/30 20:15:03')
    expect(formatDateTime('en-US', null)).toBe('')
  })

  it('writes days in each language’s order', () => {
    expect(formatDay('en-US', '2020-01-03')).toBe('01/03/2020')
    expect(formatDay('zh-CN', '2020-01-03')).toBe('2020/01/03')
    expect(formatShortDay('en-US', '2026-11-30')).toBe('Nov 30')
    expect(formatShortDay('zh-CN', '2026-11-30')).toBe('11月30日')
  })

  it('abbreviates large counts in thousands in English and in 万 and 亿 in Chinese', () => {
    expect(formatCompact('en-US', 12_345)).toBe('12.3K')
    expect(formatCompact('zh-CN', 12_345)).toBe('1.23万')
    expect(formatCompact('en-US', 123_456_789)).toBe('123M')
    expect(formatCompact('zh-CN', 123_456_789)).toBe('1.23亿')
    expect(formatCompact('zh-CN', 999)).toBe('999')
  })

  it('writes energy in kWh to the Wh with the locale’s grouping', () => {
    expect(formatKWh('en-US', 1_234_567)).toBe('1,234.567')
    expect(formatKWh('zh-CN', 5)).toBe('0.005')
  })

  it('writes durations in each language’s units', () => {
    expect(formatDuration('en-US', 5709)).toBe('1 hr 35 min')
    expect(formatDuration('zh-CN', 5709)).toBe('1小时35分钟')
    expect(formatDuration('en-US', 7200)).toBe('2 hr')
    expect(formatDuration('zh-CN', 125)).toBe('2分钟')
    expect(formatDuration('en-US', 9)).toBe('9 sec')
    expect(formatDuration('zh-CN', 0)).toBe('0秒')
  })
})

describe('amounts', () => {
  it('divides units by the currency’s decimals exactly', () => {
    expect(unitsToDecimal('1234500000000000000000', 18)).toBe('1234.5')
    expect(unitsToDecimal('1', 18)).toBe('0.000000000000000001')
    expect(unitsToDecimal('0', 18)).toBe('0')
    expect(unitsToDecimal('-25', 1)).toBe('-2.5')
    expect(() => unitsToDecimal('1.5', 18)).toThrow(RangeError)
  })

  it('writes the native currency as ETH, a known token by its symbol, an unknown one in raw units', () => {
    expect(formatAmount('en-US', '1234567890000000000000', NATIVE_CURRENCY)).toBe('1,234.56789 ETH')
    // Rounded at six decimals without losing the integer part to a float.
    expect(formatAmount('zh-CN', '123456789012345678901234567', NATIVE_CURRENCY)).toBe(
      '123,456,789.012346 ETH',
    )
    const token = '0x5fbdb2315678afecb367f032d93f642f64180aa3'
    expect(formatAmount('en-US', '350000', token, { [token]: { symbol: 'USDC', decimals: 6 } })).toBe(
      '0.35 USDC',
    )
    expect(formatAmount('en-US', '350000', token)).toBe('350,000 × 0x5fbd…0aa3')
    expect(formatAmount('en-US', null, token)).toBe('')
  })

  it('shortens hex for tables', () => {
    expect(shortHex('0x5fbdb2315678afecb367f032d93f642f64180aa3')).toBe('0x5fbd…0aa3')
    expect(shortHex('0x12')).toBe('0x12')
  })
})
