import { useMemo } from 'react'
import { useServerConfig } from '../api/queries'
import {
  formatAmount,
  formatCompact,
  formatDateTime,
  formatDay,
  formatDuration,
  formatKW,
  formatKWh,
  formatNumber,
  formatShortDay,
} from '../format'
import { useLocale } from '../i18n'

/** The formatters for the current language, with the server's currency list. */
export function useFormat() {
  const { locale, t, language } = useLocale()
  const currencies = useServerConfig().data?.currencies
  return useMemo(
    () => ({
      t,
      language,
      locale,
      number: (value: number, fractionDigits = 0) => formatNumber(locale, value, fractionDigits),
      compact: (value: number) => formatCompact(locale, value),
      kwh: (wh: number) => formatKWh(locale, wh),
      kw: (watts: number) => formatKW(locale, watts),
      dateTime: (iso: string | null | undefined) => formatDateTime(locale, iso),
      day: (day: string | null | undefined) => formatDay(locale, day),
      duration: (seconds: number) => formatDuration(locale, seconds),
      shortDay: (day: string) => formatShortDay(locale, day),
      amount: (units: string | null | undefined, currency: string | null | undefined) =>
        formatAmount(locale, units, currency, currencies),
    }),
    [locale, t, language, currencies],
  )
}
