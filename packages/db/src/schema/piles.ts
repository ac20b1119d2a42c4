import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
} from 'drizzle-orm/pg-core'
import { amount, count, createdAt, hex, instant } from './columns.js'
import { connectorStatus, currentType } from './enums.js'
import { orders } from './orders.js'

/**
 * A charging pile: the prototype's metadata (set by the operator), its registry entry (set by the indexer; null
 * for a pile not on chain, such as a third-party OCPP charger), and when it was last heard of over OCPP.
 */
export const piles = pgTable(
  'piles',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** The device id the operator knows the pile by; its keccak256 is the registry's `dmid`. */
    dmid: text().unique(),
    name: text().notNull().default(''),
    site: text(),
    installedOn: date({ mode: 'string' }),
    brand: text(),
    model: text(),
    currentType: currentType(),
    guns: smallint().notNull().default(1),
    ratedPowerW: integer(),
    firmwareVersion: text(),
    latitude: doublePrecision(),
    longitude: doublePrecision(),
    address: text(),

    /** The registry's pile id (keccak256 of registrant and dmid). */
    chainPileId: hex().unique(),
    /** The registry's bytes32 dmid, until the operator names the pile. */
    dmidHash: hex(),
    owner: hex(),
    /** Bumped by every transfer; the free list belongs to one generation. */
    generation: count(),
    payout: hex(),
    agent: hex(),
    currency: hex(),
    pricePerKWh: amount(),
    pricePerMinute: amount(),
    idlePerMinute: amount(),
    sessionFee: amount(),
    creditWh: count(),
    termsHash: hex(),
    /** The block of the last registry event applied to this row: above the finalised block, it is pending. */
    chainBlock: count(),

    lastHeartbeatAt: instant(),
    createdAt: createdAt(),
    updatedAt: instant()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (table) => [
    index().on(table.owner),
    index().on(table.dmidHash),
    check('piles_guns_positive', sql`${table.guns} > 0`),
    check('piles_rated_power_positive', sql`${table.ratedPowerW} > 0`),
    check('piles_latitude_range', sql`${table.latitude} between -90 and 90`),
    check('piles_longitude_range', sql`${table.longitude} between -180 and 180`),
  ],
)

/** Vehicles the pile's owner lets charge free (the registry's list for the pile's current generation). */
export const pileFreeVehicles = pgTable(
  'pile_free_vehicles',
  {
    pileId: integer()
      .notNull()
      .references(() => piles.id, { onDelete: 'cascade' }),
    vehicle: hex().notNull(),
    chainBlock: count(),
  },
  (table) => [primaryKey({ columns: [table.pileId, table.vehicle] })],
)

/**
 * The live state of one connector (OCPP numbers them from 1; 0 is the pile as a whole). `meterWh` and `meterAt`
 * are the last reading accepted into totals: the next reading is checked against them.
 */
export const connectors = pgTable(
  'connectors',
  {
    pileId: integer()
      .notNull()
      .references(() => piles.id, { onDelete: 'cascade' }),
    connector: smallint().notNull(),
    status: connectorStatus().notNull().default('offline'),
    errorCode: text(),
    statusAt: instant(),
    meterWh: count(),
    meterAt: instant(),
    /** The order charging on this connector now, if any. */
    orderId: bigint({ mode: 'number' }).references(() => orders.id, { onDelete: 'set null' }),
  },
  (table) => [
    primaryKey({ columns: [table.pileId, table.connector] }),
    check('connectors_number', sql`${table.connector} >= 0`),
  ],
)
