/**
 * Group commit: items added while a write is under way go together in the next one, so the batch grows with the
 * database's latency and costs a few statements however many items it holds. Each `add` resolves with its items'
 * results once their batch committed, or rejects with the batch's error.
 */
export interface Batcher<Item, Result> {
  add(items: readonly Item[]): Promise<Result[]>
  /** Resolves when everything added so far is written. */
  drain(): Promise<void>
}

interface Waiting<Item, Result> {
  items: readonly Item[]
  resolve(results: Result[]): void
  reject(error: unknown): void
}

export function createBatcher<Item, Result>(
  write: (items: Item[]) => Promise<Result[]>,
  maxItems: number,
): Batcher<Item, Result> {
  let waiting: Waiting<Item, Result>[] = []
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

  function next(): void {
    if (writing || waiting.length === 0) return
    // Take whole entries up to maxItems (one entry larger than that goes alone).
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
    writing = writeBatch(batch).finally(() => {
      writing = undefined
      next()
    })
  }

  return {
    add(items) {
      if (items.length === 0) return Promise.resolve([])
      return new Promise<Result[]>((resolve, reject) => {
        waiting.push({ items, resolve, reject })
        // Let the calls that arrived in the same turn of the event loop join this batch.
        if (!writing && waiting.length === 1) setImmediate(next)
      })
    },
    async drain() {
      while (writing || waiting.length > 0) {
        next()
        await writing
      }
    },
  }
}
