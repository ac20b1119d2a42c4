import { openJournal } from '@chargechain/agent-core'
import { createVehicleAuthNonce, priceOf, signVehicleAuth, toCompactSignature } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { chargers, createChargingSimulation } from '@chargechain/hardware'
import { createSession } from '@chargechain/link'
import { createVehicleAgent, vehicleJournal } from '@chargechain/vehicle'
import { bytesToHex, hexToBytes, type LocalAccount } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLinkBroker } from '../src/testing.js'
import {
  type Chain,
  PRICE_PER_KWH,
  runSession,
  silent,
  startChain,
  startPileAlone,
  tempJournal,
  vehicleConfig,
  waitFor,
} from './fixture.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

const pileAlone = () => startPileAlone(chain)

const ownerAccount = () => chain.cars.owner.account as LocalAccount

describe('the pile against forged, replayed and foreign authentication', () => {
  it('a forged signature is never free: the pile rejects or asks for payment, and no relay closes', async () => {
    const { world, connect, stop, pile } = await pileAlone()
    world.arrive()
    const link = await connect()
    await link.expect('Hello')
    await link.send({ type: 'Auth', signature: new Uint8Array(64).fill(7) })
    const result = await link.expect('AuthResult')
    expect(result.result).not.toBe('free')
    expect(world.state().relayOn).toBe(false)
    await link.close()
    world.leave()
    await waitFor(() => pile.status().state === 'idle')
    await stop()
  })

  it("an Auth captured from the owner's earlier session, replayed on a new challenge, is not free", async () => {
    const { world, connect, stop, pile } = await pileAlone()
    world.arrive()
    const first = await connect()
    const hello = await first.expect('Hello')
    const signature = await signVehicleAuth({
      account: ownerAccount(),
      chainId: chain.anvil.chainId,
      registry: chain.deployment.contracts.pileRegistry,
      pileId: bytesToHex(hello.pileId),
      nonce: bytesToHex(hello.nonce),
    })
    const captured = hexToBytes(toCompactSignature(signature))
    await first.send({ type: 'Auth', signature: captured })
    expect((await first.expect('AuthResult')).result).toBe('free')
    await first.close()
    world.leave()
    await waitFor(() => pile.status().state === 'idle')

    world.arrive()
    const second = await connect()
    const fresh = await second.expect('Hello')
    expect(bytesToHex(fresh.nonce)).not.toBe(bytesToHex(hello.nonce))
    await second.send({ type: 'Auth', signature: captured })
    expect((await second.expect('AuthResult')).result).not.toBe('free')
    expect(world.state().relayOn).toBe(false)
    await second.close()
    world.leave()
    await waitFor(() => pile.status().state === 'idle')
    await stop()
  })

  it('a pile greeting with another chain id gets an Error, no signature; the pile carries on', async () => {
    const { world, connect, stop, pile, abandoned } = await pileAlone()
    world.arrive()
    const link = await connect()
    const hello = await link.expect('Hello')
    expect(hello.chainId).toBe(chain.anvil.chainId)
    // What the vehicle agent does on a foreign chain id (see the vehicle's checkPile): refuse with Error.
    await link.send({ type: 'Error', code: 'other', text: 'wrong chain' })
    await waitFor(() => abandoned.length === 1)
    expect(abandoned[0]).toMatch(/PeerReportedError/)
    world.leave()
    await waitFor(() => pile.status().state === 'idle')
    await stop()
  })
})

describe('the car against a pile that over-reads', () => {
  it('refuses a reading beyond tolerance, stops, and pays only what it vouchered', async () => {
    let mismatch = false
    const session = await runSession(chain, {
      car: chain.cars.stranger,
      unplugAtWh: 400,
      vehicleMeterError: -0.45,
      vehicle: {
        tolerance: { wh: 5, fraction: 0.05, seconds: 120 },
        payment: { maxPricePerKWh: String(PRICE_PER_KWH), deposit: '2000000000000000', preference: 'escrow' },
      },
      during: ({ vehicle }) => {
        vehicle.on('meterMismatch', () => {
          mismatch = true
        })
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(mismatch).toBe(true)
    expect(pileSide.stopReason).toBe('meterMismatch')
    expect(pileSide.energyWh).toBeLessThan(400)
    expect(carSide.outcome).toBe('settled')
    expect(carSide.amount).toBe(pileSide.amount)
    // Paid for less than the pile metered: only the energy the car confirmed.
    expect(pileSide.amount).toBeLessThan(priceOf(BigInt(pileSide.energyWh), PRICE_PER_KWH))
  })
})

describe('the car against a pile of another chain or registry', () => {
  const foreign = [
    {
      name: 'a wrong chain id',
      hello: (chainId: number) => ({ chainId: chainId + 1 }),
      problem: /wrong chain/,
    },
    {
      name: 'a wrong registry contract',
      hello: () => ({ verifyingContract: hexToBytes(chain.deployment.contracts.sessionEscrow) }),
      problem: /unknown registry/,
    },
  ]
  it.each(foreign)('refuses $name: an Error, no signature, no money moved', async ({ hello, problem }) => {
    const world = createChargingSimulation({ speed: 60, charger: chargers.ac7kW })
    const broker = createLinkBroker()
    const car = chain.client(6)
    const address = defined(car.account, 'the car client account').address
    const walletBefore = await chain.owner.getBalance({ address })
    const nonceBefore = await chain.owner.getTransactionCount({ address })
    const vehicle = createVehicleAgent({
      config: vehicleConfig(chain),
      hardware: world.car,
      link: broker.car,
      chain: car,
      journal: await openJournal(await tempJournal('vehicle'), vehicleJournal),
      logger: silent,
      clock: world.clock,
    })
    const refused: string[] = []
    vehicle.on('sessionRefused', ({ reason }) => refused.push(reason))
    const done = vehicle.runOnce(new AbortController().signal)
    const link = createSession({ transport: await broker.pile.accept(new AbortController().signal) })
    await link.send({
      type: 'Hello',
      pileId: hexToBytes(chain.pileId),
      chainId: chain.anvil.chainId,
      verifyingContract: hexToBytes(chain.deployment.contracts.pileRegistry),
      nonce: hexToBytes(createVehicleAuthNonce()),
      ...hello(chain.anvil.chainId),
    })
    await expect(link.expect('Auth')).rejects.toThrow(problem)
    await done
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatch(problem)
    expect(vehicle.status()).toMatchObject({ state: 'waiting', completed: 0 })
    expect(await chain.owner.getBalance({ address })).toBe(walletBefore)
    expect(await chain.owner.getTransactionCount({ address })).toBe(nonceBefore)
    await link.close()
    await world.close()
  })
})
