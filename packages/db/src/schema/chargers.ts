import { index, integer, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, instant } from './columns.js'
import { idTagStatus } from './enums.js'
import { piles } from './piles.js'

/**
 * OCPP credentials: the charge point identity in `ws://host/ocpp/ID` and its password's hash (security profile 1).
 * Every pile that speaks OCPP has one, ours and other vendors' alike.
 */
export const chargers = pgTable('chargers', {
  id: text().primaryKey(),
  pileId: integer()
    .notNull()
    .unique()
    .references(() => piles.id, { onDelete: 'cascade' }),
  /** A PHC string (`$argon2id$…`); never the password. */
  passwordHash: text().notNull(),
  createdAt: createdAt(),
  lastConnectedAt: instant(),
  /**
   * When the connection opened at `lastConnectedAt` closed; null while it is open (a connect clears it). A server
   * that stops records its chargers' closes; one that crashes cannot, so its chargers stay connected here until
   * they connect again (to any instance), which records the new connection.
   */
  disconnectedAt: instant(),
})

/** RFID cards a third-party charger may start with; a tag not here is `Invalid`. */
export const idTags = pgTable(
  'id_tags',
  {
    tag: text().primaryKey(),
    status: idTagStatus().notNull().default('accepted'),
    expiresAt: instant(),
    parentTag: text(),
    label: text(),
    createdAt: createdAt(),
  },
  (table) => [index().on(table.parentTag)],
)
