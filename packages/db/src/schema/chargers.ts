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
   * that stops records its chargers' closes; for one that crashed, another instance records them once the crashed
   * one's `ocpp_instances` row lapses.
   */
  disconnectedAt: instant(),
  /**
   * The `ocpp_instances` id of the server instance holding the connection opened at `lastConnectedAt`, written with
   * it. No foreign key: the instance's row goes when it stops or lapses, and the charger keeps the name.
   */
  instanceId: text(),
})

/**
 * The OCPP server instances running on this database, one row each: written at start, `aliveAt` refreshed every
 * few seconds, removed on a clean stop. An instance whose `aliveAt` is older than the lapse counts as gone; its
 * chargers are not connected, and the next instance to notice takes them offline and removes the row.
 */
export const ocppInstances = pgTable('ocpp_instances', {
  id: text().primaryKey(),
  startedAt: instant().notNull(),
  aliveAt: instant().notNull(),
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
