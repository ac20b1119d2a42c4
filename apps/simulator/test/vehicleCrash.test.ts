// Kill -9 matrix, car side: as pileCrash.test.ts, with the car's agent the one killed — at every state each flow
// enters (`reconnecting` after a first kill in `charging`), at its escrow open transaction (as it goes out; once the
// node has it, before its receipt), as each of its link messages reaches the pile, and at 30 seeded random moments per
// flow, a fifth of them killing the pile in the same instant. The same exact oracles (crash/oracle.ts) judge each
// visit: escrow — one deposit, settled once at the last voucher the car journaled (or the deposit back whole);
// free — nothing moved, to the wei; channel — ledger and chain at the car's last signed cumulative amount, paid once;
// and the visit ended for both agents with exactly one more visit counted.
//
// Breaks tried (one line each, run, seen failing, restored):
// - packages/vehicle/src/steps/handshake.ts `opening` forgets its journaled salt (`existing.filter(() => false).find(…)`):
//   "escrow: car killed once the car's transaction 1 reached the node, before its receipt" fails with two deposits;
//   the other 13 escrow state, transaction and message cases pass, as they never kill between send and journal.
// - packages/pile/src/steps/handshake.ts `const free = false` (the owner's car must pay): all 7 free state cases fail
//   (paidBy ['escrow'], a session, the car's holdings changed).
// - The pile's receipt step not waiting for the car's VisitClosed (leaving once the link took the receipt, as before):
//   "free: car killed on entering stopped" and "free: random moment 21: car killed at the car's journal write 6, torn"
//   fail (seen on the run before VisitClosed): the car, killed after its session took the receipt but before it
//   journaled it, rejoins a pile that has gone idle and the visit does not end in time.
import { crashMatrix } from './crash/suite.js'

crashMatrix('car')
