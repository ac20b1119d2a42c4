import type { Journal } from '@chargechain/agent-core'
import type { PileSnapshot } from './types.js'

export interface JournaledAvailability {
  /** The journal the runner writes to: every record it appends carries the pile's availability. */
  journal: Journal<PileSnapshot>
  /** Writes the availability at once (the last record again, with it), so a restart finds it without a transition. */
  write(): Promise<void>
}

/**
 * The operator's availability kept in the pile's journal beside the state: a pile made Inoperative stays so across a
 * restart, whatever the steps carry in their data. Appends are serialised by the journal, and each takes the
 * availability of the moment it is made, so the last record always holds the latest.
 */
export function journalAvailability(
  journal: Journal<PileSnapshot>,
  available: () => boolean,
): JournaledAvailability {
  let last = journal.replay()?.value
  const stamped = ({ state, data, event }: PileSnapshot): PileSnapshot => {
    const { unavailable: _, ...rest } = data
    return {
      state,
      data: available() ? rest : { ...rest, unavailable: true },
      ...(event === undefined ? {} : { event }),
    }
  }
  const append = (value: PileSnapshot) => {
    last = stamped(value)
    return journal.append(last)
  }
  return {
    journal: {
      path: journal.path,
      droppedBytes: journal.droppedBytes,
      replay: () => journal.replay(),
      append,
      compact: () => journal.compact(),
      close: () => journal.close(),
    },
    async write() {
      // A journal not yet begun gets its first record from the runner, stamped then.
      if (last) await append(last)
    },
  }
}
