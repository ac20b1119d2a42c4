import { defineJournalSchema } from '@chargechain/agent-core'
import type { VehicleSnapshot } from './types.js'

/** The vehicle agent's journal: open it with this schema (`openJournal(path, vehicleJournal)`). */
export const vehicleJournal = defineJournalSchema<VehicleSnapshot>({ name: 'vehicle', version: 1 })
