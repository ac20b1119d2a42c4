import { defineMachine } from '@chargechain/agent-core'

/** The car's states. One charging session is one trip round the cycle. */
export const vehicleMachine = defineMachine({
  id: 'vehicle',
  initial: 'waiting',
  states: {
    waiting: { on: { HELLO: 'authenticating' }, description: "waiting for a pile's link and its Hello" },
    authenticating: {
      on: { FREE: 'charging', PAY: 'paying', REFUSED: 'waiting', STOPPED: 'stopped' },
      description: 'pile and contract checked; challenge signed',
    },
    paying: {
      on: { CHANNEL: 'presenting', ESCROW: 'opening', REFUSED: 'waiting' },
      description: 'terms checked; channel or escrow chosen (escrow salt journaled)',
    },
    opening: {
      on: { OPENED: 'presenting', REFUSED: 'waiting' },
      description: "escrow session found or opened on chain (refused if the pile's terms changed first)",
    },
    presenting: {
      on: { ACCEPTED: 'charging', REJECTED: 'settlement', STOPPED: 'stopped', RECEIPT: 'settlement' },
      description: 'PaymentOpened sent, waiting for the pile to accept',
    },
    charging: {
      on: { VOUCHER: 'charging', STOPPED: 'stopped', LINK_LOST: 'reconnecting', RECEIPT: 'settlement' },
      description: 'readings checked against the own meter; each voucher journaled before it is sent',
    },
    reconnecting: {
      on: { RECONNECTED: 'charging', GAVE_UP: 'settlement' },
      description: 'link lost mid-session; waiting for the pile to come back',
    },
    stopped: { on: { SIGNED: 'finishing' }, description: 'final voucher signed for the confirmed energy' },
    finishing: {
      on: { RECEIPT: 'settlement', NO_RECEIPT: 'settlement' },
      description: 'final voucher sent, waiting for the receipt',
    },
    settlement: {
      on: { DONE: 'waiting' },
      description: 'receipt checked on chain; unsettled escrow refunded after the window',
    },
  },
})

export type VehicleMachine = typeof vehicleMachine
