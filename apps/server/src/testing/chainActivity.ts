import {
  createChargeChainClient,
  type Deployment,
  defineTerms,
  deployChargeChain,
  privateKeySigner,
  type Session,
  signVoucher,
  tariffCost,
} from '@chargechain/chain'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { createTestClient, createWalletClient, type Hex, http, parseEther } from 'viem'
import { foundry } from 'viem/chains'

/** A session the chain holds, with what its order must show once indexed. */
export interface PlayedSession {
  sessionId: Hex
  state: 'open' | 'settled'
  energyWh: number
  deposit: bigint
  /** What the pile's payout received (the voucher's amount); null while open. */
  amountReceived: bigint | null
}

export const deposit = parseEther('0.01')

/**
 * One anvil with ChargeChain deployed (the manifest written to `manifestPath`), one pile, and sessions a car opens
 * and the pile's agent settles, as a fleet makes them.
 */
export async function startChainActivity(manifestPath: string) {
  const chain: DevChain = await startAnvil({ accounts: 4 })
  const [arbiterKey, ownerKey, agentKey, carKey] = chain.privateKeys
  if (!arbiterKey || !ownerKey || !agentKey || !carKey) throw new Error('anvil gave fewer than 4 accounts')
  const deployer = createWalletClient({
    account: privateKeySigner(arbiterKey).account,
    chain: foundry,
    transport: http(chain.rpcUrl),
    pollingInterval: 50,
  })
  const deployment: Deployment = await deployChargeChain(deployer, {
    arbiter: privateKeySigner(arbiterKey).address,
    settleWindow: 60,
    disputeWindow: 120,
    challengePeriod: 60,
    path: manifestPath,
  })
  const clientOf = (key: Hex) =>
    createChargeChainClient({
      deployment,
      rpcUrl: chain.rpcUrl,
      signer: privateKeySigner(key),
      pollingInterval: 50,
    })
  const owner = clientOf(ownerKey)
  const agent = clientOf(agentKey)
  const car = clientOf(carKey)
  const carAccount = privateKeySigner(carKey).account
  const terms = defineTerms({
    payout: privateKeySigner(ownerKey).address,
    agent: privateKeySigner(agentKey).address,
    pricePerKWh: parseEther('0.0003'),
  })
  const { pileId } = await owner.registerPile({ dmid: 'DM-CHAIN-1', terms })
  const testClient = createTestClient({ mode: 'anvil', transport: http(chain.rpcUrl) })

  async function settle(sessionId: Hex, session: Session, energyWh: number): Promise<bigint> {
    const chargingSeconds = energyWh / 10
    const amount = tariffCost(session.terms.tariff, BigInt(energyWh), chargingSeconds, 0)
    const voucher = { energyWh: BigInt(energyWh), chargingSeconds, idleSeconds: 0, amount }
    const signature = await signVoucher({
      account: carAccount,
      chainId: deployment.chainId,
      escrow: deployment.contracts.sessionEscrow,
      sessionId,
      ...voucher,
    })
    await agent.settleSession({ session, ...voucher, signature })
    return amount
  }

  return {
    chain,
    deployment,
    /** Opens one session per entry; a number settles it with that energy, null leaves it open. */
    async play(energies: readonly (number | null)[]): Promise<PlayedSession[]> {
      const played: PlayedSession[] = []
      for (const energyWh of energies) {
        const { sessionId, session } = await car.openSession({ pileId, terms, deposit })
        // A session is settled in a later block than the one that opened it, as on a real chain.
        await testClient.mine({ blocks: 1 })
        played.push(
          energyWh === null
            ? { sessionId, state: 'open', energyWh: 0, deposit, amountReceived: null }
            : {
                sessionId,
                state: 'settled',
                energyWh,
                deposit,
                amountReceived: await settle(sessionId, session, energyWh),
              },
        )
      }
      return played
    },
    /** The contracts the indexer follows. */
    contracts: [
      deployment.contracts.pileRegistry,
      deployment.contracts.sessionEscrow,
      deployment.contracts.paymentChannels,
    ],
    stop: () => chain.stop(),
  }
}

export type ChainActivity = Awaited<ReturnType<typeof startChainActivity>>
