import { type ContractFunctionArgs, encodeAbiParameters, getAbiItem, type Hex, keccak256 } from 'viem'
import { sessionEscrowAbi } from '../../contracts/abis.js'

/** The session struct the escrow hashes into the session id and expects back as calldata. */
export type Session = ContractFunctionArgs<typeof sessionEscrowAbi, 'nonpayable', 'settleSession'>[0]

const sessionParameter = getAbiItem({ abi: sessionEscrowAbi, name: 'hashSession' }).inputs

/** `keccak256(abi.encode(session))`, computed locally exactly as `SessionEscrow.hashSession` does. */
export function hashSession(session: Session): Hex {
  return keccak256(encodeAbiParameters(sessionParameter, [session]))
}

type SessionOpenedArgs = Session & { sessionId: Hex }

/** The session struct carried by a `SessionOpened` event, with the id the contract gave it. */
export function sessionFromEvent(args: SessionOpenedArgs): { sessionId: Hex; session: Session } {
  const { sessionId, vehicle, pileId, payout, agent, currency, pricePerKWh, deposit, openedAt, salt } = args
  return {
    sessionId,
    session: { vehicle, pileId, payout, agent, currency, pricePerKWh, deposit, openedAt, salt },
  }
}
