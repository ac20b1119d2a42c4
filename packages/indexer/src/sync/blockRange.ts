import { walk } from '@chargechain/errors'
import { ResponseBodyTooLargeError } from 'viem'

/*
 * Providers cap eth_getLogs by block range or by result count, each with its own words. What they say when they do
 * (Infura, Alchemy, QuickNode, Ankr, Cloudflare, BlastAPI, Chainstack, geth and erigon's limits, among others).
 */
const capped = [
  /query returned more than \d+ results/i,
  /block range (is )?too (large|wide|big)/i,
  /range too (large|wide|big)/i,
  /exceed(s|ed)? (the )?(max(imum)?|limit)/i,
  /(max(imum)?|limit(ed)?)( allowed)?( number of)?( requested)? (block|blocks|block range|range)/i,
  /limited to (a )?[\d,]+ (block|blocks)/i,
  /up to a [\d,]+ block range/i,
  /log response size exceeded/i,
  /too many (blocks|logs|results)/i,
  /response (is )?too (large|big)/i,
  /block range limit/i,
]

/** True when `error` (or anything in its cause chain) is a provider refusing a range as too large. */
export function isRangeCapped(error: unknown): boolean {
  return (
    walk(error, (inner) => {
      if (!(inner instanceof Error)) return false
      // viem's own cap on a response's size: a smaller range answers in less.
      if (inner instanceof ResponseBodyTooLargeError) return true
      const text = [inner.message, 'details' in inner ? String(inner.details) : ''].join(' ')
      return capped.some((pattern) => pattern.test(text))
    }) !== undefined
  )
}

/**
 * The number of blocks to ask for next: halved each time a provider refuses a range, doubled again after
 * `growAfter` successes in a row, never above `max`, and for a while not above a size that was refused.
 */
export class BlockRange {
  private current: number
  private ceiling: number
  private successes = 0
  private sinceRefusal = 0

  constructor(
    readonly max: number,
    private readonly growAfter = 2,
    /** Successes after which a refused size may be tried again (the cap may depend on how busy the blocks are). */
    private readonly forgetAfter = 50,
  ) {
    this.current = max
    this.ceiling = max
  }

  get size(): number {
    return this.current
  }

  /** A range of `size` blocks was refused; false when it was a single block (nothing smaller to ask). */
  refused(size: number): boolean {
    if (size <= 1) return false
    this.ceiling = Math.max(1, Math.min(this.ceiling, size - 1))
    this.current = Math.max(1, Math.min(this.current, Math.floor(size / 2)))
    this.successes = 0
    this.sinceRefusal = 0
    return true
  }

  succeeded(): void {
    this.successes += 1
    this.sinceRefusal += 1
    if (this.sinceRefusal >= this.forgetAfter) this.ceiling = this.max
    if (this.successes >= this.growAfter) {
      this.current = Math.min(this.ceiling, this.current * 2)
      this.successes = 0
    }
  }
}
