import { pgEnum } from 'drizzle-orm/pg-core'

/** A connector's live state, as the operator sees it (OCPP statuses map onto these). */
export const connectorStatus = pgEnum('connector_status', [
  'offline',
  'available',
  'preparing',
  'charging',
  'finishing',
  'faulted',
])

export const currentType = pgEnum('current_type', ['ac', 'dc'])

/**
 * How an order was paid: through the escrow, a payment channel, free (the owner's cars and the free list), or off
 * chain (a third-party OCPP charger's transaction).
 */
export const orderKind = pgEnum('order_kind', ['escrow', 'channel', 'free', 'ocpp'])

/**
 * Where an order stands. `open`: paid or started, not charging yet; `settled`: ended and paid out; `refunded`: the
 * car got its whole deposit back; `disputed`: the pile claimed more than the voucher; `resolved`: the claim was
 * decided or expired.
 */
export const orderState = pgEnum('order_state', [
  'open',
  'charging',
  'settled',
  'refunded',
  'disputed',
  'resolved',
])

export const channelState = pgEnum('channel_state', ['open', 'closing', 'closed'])

export const disputeState = pgEnum('dispute_state', ['open', 'decided', 'expired'])

/** Why a meter reading is kept out of totals (see `checkReading`). */
export const meterFlag = pgEnum('meter_flag', ['decreasing', 'implausibleJump', 'notAfterPrevious'])

/** OCPP 1.6 authorization statuses an id tag can hold; a tag not stored at all is `Invalid`. */
export const idTagStatus = pgEnum('id_tag_status', ['accepted', 'blocked', 'expired'])

export const accountRole = pgEnum('account_role', ['admin', 'viewer'])
