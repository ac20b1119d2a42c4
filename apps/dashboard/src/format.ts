// Numbers, times and money in the operator's language. Pure functions of a BCP 47 locale (`en-US`, `zh-CN`) so
// the same value reads as each language writes it; the pages take the locale from the language switch.

export type Locale = 'en-US' | 'zh-CN'

export interface CurrencyInfo {
  symbol: string
  decimals: number
}

export const NATIVE_CURRENCY = '0x0000000000000000000000000000000000000000'

// Building an Intl formatter is slow; tables format thousands of cells.
const numberFormats = new Map<string, Intl.NumberFormat>()
const dateFormats = new Map<string, Intl.DateTimeFormat>()

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}${JSON.stringify(options)}`
  const found = numberFormats.get(key)
  if (found) return found
  const format = new Intl.NumberFormat(locale, options)
  numberFormats.set(key, format)
  return format
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}${JSON.stringify(options)}`
  const found = dateFormats.get(key)
  if (found) return found
  const format = new Intl.DateTimeFormat(locale, options)
  dateFormats.set(key, format)
  return format
}

export const formatNumber = (locale: Locale, value: number, fractionDigits = 0): string =>
  numberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value)

/**
 * A large count as each language abbreviates it: English in thousands (12.3K), Chinese in 万 and 亿 (1.23万); the
 * exact figure goes in a tooltip.
 */
export const formatCompact = (locale: Locale, value: number): string =>
  numberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 }).format(value)

/** Watt-hours as kWh, to the Wh. */
export const formatKWh = (locale: Locale, wh: number): string =>
  numberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(wh / 1000)

/** Watts as kW (rated and live power). */
export const formatKW = (locale: Locale, watts: number): string =>
  numberFormat(locale, { maximumFractionDigits: 1 }).format(watts / 1000)

const dateTimeOptions: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
}

/** A moment in the browser's time zone: `11/30/2026, 08:15:03 PM` in English, `2026/11/30 20:15:03` in Chinese. */
export function formatDateTime(locale: Locale, iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return dateFormat(locale, timeZone ? { ...dateTimeOptions, timeZone } : dateTimeOptions).format(date)
}

/** A calendar day (`YYYY-MM-DD`, as stored) in the language's order: `11/30/2026`, `2026/11/30`. */
export function formatDay(locale: Locale, day: string | null | undefined): string {
  if (!day) return ''
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return day
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return dateFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(
    date,
  )
}

/** A chart axis day: `Nov 30` / `11月30日`. */
export function formatShortDay(locale: Locale, day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return day
  return dateFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date)
}

/**
 * A duration in each language's units, to the minute (to the second under a minute): `1 hr 35 min` in English,
 * `1小时35分钟` in Chinese.
 */
export function formatDuration(locale: Locale, seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    numberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value)
  if (whole < 60) return unit(whole, 'second')
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const parts = [
    ...(hours > 0 ? [unit(hours, 'hour')] : []),
    ...(minutes > 0 || hours === 0 ? [unit(minutes, 'minute')] : []),
  ]
  return new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(parts)
}

/** The currency's symbol and decimals: from the server's list, ETH for the native currency, else raw units. */
export function currencyInfo(
  currency: string | null | undefined,
  known: Record<string, CurrencyInfo> | undefined,
): CurrencyInfo | undefined {
  if (!currency) return undefined
  const found = known?.[currency.toLowerCase()]
  if (found) return found
  if (currency.toLowerCase() === NATIVE_CURRENCY) return { symbol: 'ETH', decimals: 18 }
  return undefined
}

/** An exact decimal string of `units / 10^decimals`, without trailing zeros. */
export function unitsToDecimal(units: string, decimals: number): string {
  if (!/^-?\d+$/.test(units)) throw new RangeError(`not an integer amount: ${units}`)
  const negative = units.startsWith('-')
  const digits = (negative ? units.slice(1) : units).replace(/^0+(?=\d)/, '').padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`
}

/**
 * An amount in the currency's smallest unit, written in the currency: `0.012345 ETH`. Up to `maxFractionDigits`
 * (6 by default) are shown, rounded as the locale rounds; a currency the dashboard does not know shows its raw units
 * and a short address.
 */
export function formatAmount(
  locale: Locale,
  units: string | null | undefined,
  currency: string | null | undefined,
  known?: Record<string, CurrencyInfo>,
  maxFractionDigits = 6,
): string {
  if (units === null || units === undefined) return ''
  const info = currencyInfo(currency, known)
  if (!info) {
    const number = numberFormat(locale, { maximumFractionDigits: 0 }).format(BigInt(units))
    return currency ? `${number} × ${shortHex(currency)}` : number
  }
  const decimal = unitsToDecimal(units, info.decimals)
  // A decimal string keeps every digit (Intl.NumberFormat v3); a Number would round wei away.
  const text = numberFormat(locale, { maximumFractionDigits: maxFractionDigits }).format(
    decimal as Intl.StringNumericLiteral,
  )
  return `${text} ${info.symbol}`
}

/** `0x1234…abcd`: enough of an address or hash to tell it apart; the full one goes in a tooltip. */
export function shortHex(hex: string, keep = 4): string {
  return hex.length <= keep * 2 + 4 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`
}
