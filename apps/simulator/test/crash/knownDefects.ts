// Defects the matrix found in the agents, by the trail a case that hits one leaves in its failure. A case whose moment
// always hits one is marked `it.fails` by name in its test file; a random moment that hits one only on some runs (the
// number of meter readings in a visit varies) is reported as skipped with the defect's name, never as passed.
import type { Flow } from './lane.js'

export interface KnownDefect {
  id: string
  what: string
  flows: readonly Flow[]
  /** Whether a case's failure message shows this defect's trail. */
  shows(message: string): boolean
  /** Whether a visit's judged outcome shows it (for a wrong amount, which the failure message does not carry). */
  showsIn?(actual: unknown, expected: unknown): boolean
}

/** The `ledger` amount of a channel outcome. */
function ledgerOf(outcome: unknown): bigint | undefined {
  const ledger = (outcome as { ledger?: unknown } | null)?.ledger
  return typeof ledger === 'bigint' ? ledger : undefined
}

export const knownDefects: readonly KnownDefect[] = [
  {
    id: 'D',
    what: "found on main at 8f24d3e (time billing, voucher pace): the operator's ledger and the chain settle a channel one voucher short of the last cumulative voucher the car journaled (signed but never delivered or never recorded); the car pays less than it signed",
    flows: ['channel'],
    shows: () => false,
    showsIn(actual, expected) {
      const held = ledgerOf(actual)
      const signed = ledgerOf(expected)
      return held !== undefined && signed !== undefined && held < signed
    },
  },
  {
    id: 'A',
    what: 'a pile killed after accepting the payment, before journaling `starting`, asks for the payment again while the car charges on; neither moves',
    flows: ['escrow', 'channel'],
    shows: (message) =>
      /pile now awaitingPayment, journaled .*awaitingPayment → connecting → authenticating → awaitingPayment/.test(
        message,
      ) && /car now charging/.test(message),
  },
  {
    id: 'B',
    what: 'a pile restarted in `stopping` re-greets the car that already ended the visit; the car takes it for a free session it forgot and counts a second, phantom visit (the money stays right)',
    flows: ['escrow', 'free', 'channel'],
    shows: (message) => /car .*settlement → waiting → authenticating → stopped/.test(message),
  },
  {
    id: 'issue 10 agent finding 4',
    what: 'a free or channel car that lost its link stays in `finishing` or `reconnecting` after its pile finished and went idle (rejoin watches only escrow sessions for their end)',
    flows: ['free', 'channel'],
    shows: (message) => /pile now idle/.test(message) && /car now (finishing|reconnecting)/.test(message),
  },
]

export function knownDefectIn(flow: Flow, message: string): KnownDefect | undefined {
  return knownDefects.find((defect) => defect.flows.includes(flow) && defect.shows(message))
}

export function knownDefectInOutcome(
  flow: Flow,
  actual: unknown,
  expected: unknown,
): KnownDefect | undefined {
  return knownDefects.find((defect) => defect.flows.includes(flow) && defect.showsIn?.(actual, expected))
}
