import { defined } from '@chargechain/errors'
/** A small seeded generator, so a fleet and its scenario replay identically for the same `--seed`. */
export interface Random {
  next(): number
  between(min: number, max: number): number
  integer(min: number, max: number): number
  pick<Item>(items: readonly Item[]): Item
  chance(probability: number): boolean
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    between: (min, max) => min + (max - min) * next(),
    integer: (min, max) => Math.floor(random.between(min, max + 1)),
    pick: (items) => defined(items[Math.floor(next() * items.length)], 'an item to pick (the list is empty)'),
    chance: (probability) => next() < probability,
  }
  return random
}
