import { defineJournalSchema } from '@chargechain/agent-core'
import type { PileSnapshot } from './types.js'

/** The pile agent's journal: open it with this schema (`openJournal(path, pileJournal)`). */
export const pileJournal = defineJournalSchema<PileSnapshot>({ name: 'pile', version: 1 })
