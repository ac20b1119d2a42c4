import { formatUnits, parseUnits } from 'viem'
import { InvalidAmountError } from './errors.js'

const decimalPattern = /^\d+(\.\d+)?$/

/** "1.5" at 18 decimals → 1500000000000000000n. Refuses signs, exponents, and more precision than the currency has. */
export function parseAmount(option: string, value: string, decimals: number): bigint {
  const trimmed = value.trim()
  const fraction = trimmed.split('.')[1] ?? ''
  if (!decimalPattern.test(trimmed) || fraction.length > decimals)
    throw new InvalidAmountError(option, value, decimals)
  return parseUnits(trimmed, decimals)
}

export function formatAmount(amount: bigint, decimals: number, symbol: string): string {
  return `${formatUnits(amount, decimals)} ${symbol}`
}
