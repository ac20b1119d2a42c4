import { deploymentSchema } from '@chargechain/chain'
import type { Address, Hex } from 'viem'
import { z } from 'zod'

const amount = z
  .union([
    z.bigint().nonnegative(),
    z.string().regex(/^\d+$/, 'a whole number of the smallest unit, as a decimal string'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value) => BigInt(value))
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'an address: 20 bytes as 0x-prefixed hex')
  .transform((value) => value as Address)
const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, '32 bytes as 0x-prefixed hex')
  .transform((value) => value as Hex)
const milliseconds = (fallback: number) => z.number().int().positive().default(fallback)

export const vehicleConfigSchema = z.strictObject({
  chain: z.strictObject({
    chainId: z.number().int().positive(),
    rpcUrl: z.url().optional(),
    /** The deployment manifest, inline or as the path of its JSON file (the app reads it). */
    deployment: z.union([z.string().min(1), deploymentSchema]),
  }),
  payment: z.strictObject({
    /** The car refuses a pile asking more per kWh, in the pile's currency's smallest unit. */
    maxPricePerKWh: amount,
    /** The most the car accepts per minute of charging, per minute of idling once full, and as a session fee. */
    maxPricePerMinute: amount.default(0n),
    maxIdlePerMinute: amount.default(0n),
    maxSessionFee: amount.default(0n),
    /** Escrow deposit; raised to the pile's minimum if that is higher (and still refused above `maxDeposit`). */
    deposit: amount,
    maxDeposit: amount.optional(),
    /** `channel` pays through an open channel with the pile's payout when one has enough left, else escrow. */
    preference: z.enum(['escrow', 'channel']).default('channel'),
    /** The car's payment channels, one per operator (payout address) and currency. */
    channels: z
      .array(
        z.strictObject({
          channelId: hex32,
          operator: address,
          currency: address.default('0x0000000000000000000000000000000000000000'),
        }),
      )
      .default([]),
  }),
  /** The driver's targets: reached at a reading, the car asks the pile to stop (StopRequest{targetReached}). */
  charge: z
    .strictObject({
      /** Energy into the battery this session, by the car's own meter (Wh). */
      stopAtEnergyWh: z.number().positive().optional(),
      /** Battery state of charge, 0…1 (0.8 = stop at 80 %). */
      stopAtSoc: z.number().gt(0).max(1).optional(),
    })
    .prefault({}),
  tolerance: z
    .strictObject({
      /** The pile's reading may exceed the car's own by this many Wh… */
      wh: z.number().nonnegative().default(50),
      /** …or by this fraction of the car's reading (charger losses), whichever is larger. 0.1 = 10 %. */
      fraction: z.number().min(0).max(1).default(0.1),
      /** The pile's charging and idle seconds may exceed the car's own count by this many (the link's delay). */
      seconds: z.number().int().nonnegative().default(10),
    })
    .prefault({}),
  link: z
    .strictObject({
      /** How long to wait for the pile's Hello after the link comes up. */
      helloTimeoutMs: milliseconds(30_000),
      /** Each answer of the pile during the handshake (AuthResult, PaymentResult, Receipt). */
      answerTimeoutMs: milliseconds(60_000),
      /** The pile is silent this long while charging: the link is lost. */
      silenceTimeoutMs: milliseconds(60_000),
      /** After losing the link mid-session, how long to wait for the pile to come back. */
      reconnectTimeoutMs: milliseconds(120_000),
    })
    .prefault({}),
  /** How often the car looks on chain whether an unfinished escrow session was settled. */
  settlementPollMs: milliseconds(15_000),
  /** After the pile's receipt, how long the car waits for the settlement on chain before it asks for its refund. */
  settleGraceMs: milliseconds(120_000),
})

export type VehicleConfig = z.output<typeof vehicleConfigSchema>
export type VehicleConfigInput = z.input<typeof vehicleConfigSchema>
