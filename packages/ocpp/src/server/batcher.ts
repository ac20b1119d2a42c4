/**
 * Group commit on a short timer: items wait up to `lingerMs` from the first of a batch (or until `maxItems` are
 * waiting), then go in one write; items added while a write is under way go in the next one. A write costs a few
 * statements however many items it holds, and on PGlite each statement runs on the server's one thread, so a
 * 10,000-charger fleet is a few dozen writes a second instead of one per message. Each `add` resolves with its
 * items' results once their batch committed, or rejects with the batch's error.
 */
export interface Batcher<Item, Result> {
  add(items: readonly Item[]): Promise<Result[]>
  /** Resolves when everything added so far is written. */
  drain(): Promise<void>
}

export interface BatcherOptions {
  /** A batch that reaches this many items is written at once (one entry larger than that goes alone). */
  maxItems: number
  /** How long the first item of a batch waits for others. */
  lingerMs: number
}

interface Waiting<Item, Result> {
  items: readonly Item[]
  resolve(results: Result[]): void
  reject(error: unknown): void
}

export function createBatcher<Item, Result>(
  write: (items: Item[]) => Promise<Result[]>,
  options: BatcherOptions,
): Batcher<Item, Result> {
  const { maxItems, lingerMs } = options
  let waiting: Waiting<Item, Result>[] = []
  let waitingItems = 0
  /** When the oldest waiting item came. */
  let firstAt = 0
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> | undefined

  async function writeBatch(batch: Waiting<Item, Result>[]): Promise<void> {
    try {
      const results = await write(batch.flatMap((entry) => entry.items))
      let offset = 0
      for (const entry of batch) {
        entry.resolve(results.slice(offset, offset + entry.items.length))
        offset += entry.items.length
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error)
    }
  }

  function flush(): void {
    clearTimeout(timer)
    timer = undefined
    if (writing || waiting.length === 0) return
    // Take whole entries up to maxItems.
    let count = 0
    let taken = 0
    while (taken < waiting.length) {
      const size = waiting[taken]?.items.length ?? 0
      if (taken > 0 && count + size > maxItems) break
      count += size
      taken++
    }
    const batch = waiting.slice(0, taken)
    waiting = waiting.slice(taken)
    waitingItems -= count
    writing = writeBatch(batch).finally(() => {
      writing = undefined
      schedule()
    })
  }

  /** Writes now if the batch is full or its first item waited long enough, else when it will have. */
  function schedule(): void {
    if (writing || waiting.length === 0) return
    const waited = performance.now() - firstAt
    if (waitingItems >= maxItems || waited >= lingerMs) flush()
    else timer ??= setTimeout(flush, lingerMs - waited)
  }

  return {
    add(items) {
      if (items.length === 0) return Promise.resolve([])
      return new Promise<Result[]>((resolve, reject) => {
        if (waiting.length === 0) firstAt = performance.now()
        waiting.push({ items, resolve, reject })
        waitingItems += items.length
        schedule()
      })
    },
    async drain() {
      while (writing || waiting.length > 0) {
        flush()
        await writing
      }
    },
  }
}
