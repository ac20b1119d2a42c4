// Kill -9 matrix, pile side. In lanes of the provisioned fleet on one dev chain, the pile agent and the car's agent run
// as real processes (remote hardware, a TCP radio for the Bluetooth pair, anvil behind an RPC tap); the pile is killed
// with SIGKILL and started again on its journal — at every state each flow enters, at its settle transaction (as it
// goes out; once the node has it, before its receipt), as each of its link messages reaches the car, and at 30 seeded
// random moments per flow (a time, the n-th journal write — torn by a power cut or whole —, the n-th link message, a
// transaction), a fifth of them killing the car in the same instant. Each case compares what the visit left with its
// flow's exact outcome (crash/oracle.ts): escrow — paid by escrow, one deposit, settled once at the price of the last
// voucher the car journaled (the deposit back whole when it signed nothing); free — charged free, no session, no
// transaction, the car's holdings unchanged to the wei; channel — paid through the channel, the pile's ledger and the
// chain both at the car's last signed cumulative amount, paid out once; and in every case the visit ended: the car
// gone, the pile idle, the car waiting with exactly one more visit counted. `CRASH_SEED=n` replays other moments.
//
// Breaks tried (one line each, run, seen failing, restored):
// - packages/pile/src/steps/handshake.ts `const free = true || isAddressEqual(…)` (every paying car charges free):
//   all 10 escrow and all 10 channel state cases fail (paidBy ['free'], no deposit, no channel voucher).
// - packages/pile/src/steps/settlement.ts, settling switched off (`session.kind === 'escrow' && false`, and the same
//   for the channel's ledger record): 19 of those 20 fail (the car takes its deposit back; the ledger stays behind the
//   car's voucher). The one left, a pile killed in `starting` before the gun went in, owes nothing: a refund is right.
// - Defect A undone: packages/pile/src/steps/handshake.ts awaitingPayment sends `PaymentResult accepted` before it
//   returns ACCEPTED (before `starting` is journaled): "escrow/channel: pile killed as the pile's PaymentResult 1
//   reached the car" both fail (the restarted pile asks for the payment, the charging car never answers; no visit end).
// - Defect B undone: packages/vehicle/src/steps/charging.ts finishing gives up at once on a dropped link with nothing
//   owed (`if (!owed) return { event: 'NO_RECEIPT' }`): "free: pile killed as the pile's ChargingStopped 1 reached
//   the car" fails, the car counting 2 visits.
// Defect D and the finding 4 variant hit only random moments here; packages/pile/test/killWindows.test.ts and
// finalVoucher.test.ts show each of their windows exactly, in process, with their breaks. No case is skipped.
import { crashMatrix } from './crash/suite.js'

crashMatrix('pile')
