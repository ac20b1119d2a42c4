import { defineMachine } from '@chargechain/agent-core'

/** The pile's states. One session is one trip round the cycle; the agent never reaches a final state. */
export const pileMachine = defineMachine({
  id: 'pile',
  initial: 'idle',
  states: {
    idle: { on: { ARRIVED: 'connecting' }, description: 'waiting for a car' },
    connecting: {
      on: { CONNECTED: 'authenticating', GONE: 'departing' },
      description: 'HC-05 powered, waiting for the car to connect',
    },
    authenticating: {
      on: { FREE: 'starting', PAY: 'awaitingPayment', REJECTED: 'departing', RECONNECT: 'connecting' },
      description: 'Hello sent; checking the signed challenge, owner and free list',
    },
    awaitingPayment: {
      on: { ACCEPTED: 'starting', REJECTED: 'departing', RECONNECT: 'connecting' },
      description: 'terms sent; verifying the escrow session or channel on chain',
    },
    starting: {
      on: { STARTED: 'charging', NOT_PLUGGED: 'stopping' },
      description: 'the car told it may charge; waiting for the gun, then relay on',
    },
    charging: {
      on: { METERED: 'charging', STOP: 'stopping' },
      description: 'relay on; a meter reading out and vouchers in, each interval',
    },
    stopping: {
      on: { STOPPED: 'settling' },
      description: 'relay off; ChargingStopped sent, collecting the final voucher',
    },
    settling: {
      on: { SETTLED: 'receipt' },
      description: 'escrow settled on chain, channel voucher recorded, or free session logged',
    },
    receipt: {
      on: { SENT: 'departing' },
      description: 'Receipt delivered to the car (it rejoins if the link dropped)',
    },
    departing: { on: { LEFT: 'idle' }, description: 'waiting for the car to leave; HC-05 off' },
  },
})

export type PileMachine = typeof pileMachine
