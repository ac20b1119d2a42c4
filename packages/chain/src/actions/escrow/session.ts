import { type ContractFunctionArgs, encodeAbiParameters, getAbiItem, type Hex, keccak256 } from 'viem'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type { Terms } from '../../terms/terms.js'

/** The session struct the escrow hashes into the session id and expects back as calldata. */
export type Session = ContractFunctionArgs<typeof sessionEscrowAbi, 'nonpayable', 'settleSession'>[0]

const sessionParameter = getAbiItem({ abi: sessionEscrowAbi, name: 'hashSession' }).inputs

/** `keccak256(abi.encode(session))`, computed locally exactly as `SessionEscrow.hashSession` does. */
export function hashSession(session: Session): Hex {
  return keccak256(encodeAbiParameters(sessionParameter, [session]))
}

type SessionOpenedArgs = {
  sessionId: Hex
  vehicle: Session['vehicle']
  pileId: Hex
  termsHash: Hex
  deposit: bigint
  openedAt: number
  salt: Hex
}

/**
 * The session a `SessionOpened` event stands for, with the terms it bound (the event carries only their hash; see
 * `findTerms`). The id is checked against the rebuilt struct.
 */
export function sessionFromEvent(
  args: SessionOpenedArgs,
  terms: Terms,
): { sessionId: Hex; session: Session } {
  const { sessionId, vehicle, pileId, deposit, openedAt, salt } = args
  return { sessionId, session: { vehicle, pileId, terms, deposit, openedAt, salt } }
}
