import { deploymentSchema, pileIdFromDmid } from '@chargechain/chain'
import { type Address, type Hex, isAddress } from 'viem'
import { z } from 'zod'

/** Token amounts in the smallest unit (wei). JSON has no bigints, so a decimal string or a safe integer is accepted. */
export const amountSchema = z
  .union([
    z.bigint().nonnegative(),
    z.string().regex(/^\d+$/, 'a whole number of the smallest unit, as a decimal string'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value) => BigInt(value))

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, '32 bytes as 0x-prefixed hex')
const milliseconds = (fallback: number) => z.number().int().positive().default(fallback)

export const pileConfigSchema = z
  .object({
    /**
     * The pile's id in the registry (bytes32), or its DMID (the id printed on the pile) with the `owner` who
     * registered it: the registry derives the id from both.
     */
    pileId: hex32.optional(),
    dmid: z.string().min(1).optional(),
    owner: z
      .string()
      .refine((value) => isAddress(value, { strict: false }), 'a 20-byte 0x address')
      .optional(),
    chain: z.strictObject({
      chainId: z.number().int().positive(),
      rpcUrl: z.url().optional(),
      /** The deployment manifest, inline or as the path of its JSON file (the app reads it). */
      deployment: z.union([z.string().min(1), deploymentSchema]),
    }),
    payment: z
      .strictObject({
        /** Smallest escrow deposit the pile accepts. */
        minDeposit: amountSchema.default(10n ** 15n),
        /** Energy delivered ahead of the vouchers before the relay is cut. */
        creditWh: z.number().int().positive().max(100_000).default(200),
        /**
         * Seconds of charging or idling the pile bills ahead of the vouchers: a voucher whose seconds lag the pile's
         * clock by more is refused (its time cost would run on uncovered), and the credit rule then stops the charge.
         */
        creditSeconds: z.number().int().positive().max(86_400).default(120),
        meterIntervalMs: z.number().int().min(1).max(3_600_000).default(10_000),
        /** Blocks on top of the car's opening transaction before the relay goes on. */
        confirmations: z.number().int().min(1).max(1_000).default(1),
        /** How long an owner / free-list answer from the registry is reused. */
        registryCacheMs: z.number().int().min(0).default(30_000),
      })
      .prefault({}),
    link: z
      .strictObject({
        /**
         * Car arrived, HC-05 powered: the car is waited for while it is there, with a warning logged each time this
         * passes without a connection.
         */
        connectTimeoutMs: milliseconds(60_000),
        /** Each answer of the car during the handshake (Auth, PaymentOpened, the final voucher). */
        answerTimeoutMs: milliseconds(30_000),
        /** The car's payment transaction to be mined and confirmed. */
        paymentTimeoutMs: milliseconds(120_000),
        /** How long the gun may stay out after payment before the session ends with nothing delivered. */
        plugTimeoutMs: milliseconds(120_000),
        /**
         * Real time the car gets to sign and journal an answer, on top of the frames' wire time at the link's line
         * rate. It floors every wait for the car's final voucher, so a fast simulated clock or a loaded CPU cannot
         * turn a slow line into a silent car. Vouchers during charging are never waited for: the credit bounds them.
         */
        voucherWaitMs: milliseconds(2_000),
        /** After a restart mid-session, how long to wait for the car to reconnect before settling without it. */
        reconnectTimeoutMs: milliseconds(60_000),
      })
      .prefault({}),
    meter: z
      .strictObject({
        /** Reads failing in a row before the session stops with `meterFailure`. */
        maxConsecutiveFailures: z.number().int().min(1).default(3),
        retryDelayMs: milliseconds(500),
      })
      .prefault({}),
    /** When the operator's channel vouchers go on chain (see ChannelSettlePolicy). */
    channelSettle: z
      .strictObject({
        everySessions: z.number().int().min(1).default(10),
        minAmount: amountSchema.default(10n ** 17n),
      })
      .prefault({}),
  })
  .strict()
  .transform(({ dmid, owner, pileId, ...rest }, context) => {
    // pileId passed the hex32 pattern above, owner the address check.
    if (pileId !== undefined && dmid === undefined && owner === undefined)
      return { ...rest, pileId: pileId as Hex }
    if (dmid !== undefined && pileId === undefined && owner !== undefined)
      return { ...rest, pileId: pileIdFromDmid(owner as Address, dmid) }
    // The issue carries just the pileId: the whole config holds bigints, which an error message cannot print.
    context.addIssue({
      code: 'custom',
      message: 'set either pileId, or dmid and the owner who registered it',
      path: ['pileId'],
      input: pileId,
    })
    return z.NEVER
  })

/** The pile agent's validated configuration (`pileConfigSchema`'s output); amounts are bigints. */
export type PileConfig = z.output<typeof pileConfigSchema>
/** What a config file may contain before defaults are applied. */
export type PileConfigInput = z.input<typeof pileConfigSchema>
