import { describe, expect, it } from 'vitest'
import { HardwareClosedError } from '../errors.js'
import type { DigitalInput, Edge } from '../inputs.js'

export interface InputHarness {
  /** The input under test, opened with its line low and a debounce time of at least 20 ms. */
  input: DigitalInput
  /** Drives the raw line (a simulated control, or a loopback output wired to the pin on a test rig). */
  drive(level: boolean): void | Promise<void>
  /** Lets `ms` of the input's clock pass: `clock.advance(ms)` for a simulated clock, a real wait on hardware. */
  pass(ms: number): Promise<void>
  /** The input's clock. */
  now(): number
  /** Releases what the harness opened besides the input. */
  close?(): Promise<void>
}

/** The behaviour every `DigitalInput` driver must show. Call it from a test file with a factory for your driver. */
export function describeDigitalInputContract(name: string, factory: () => Promise<InputHarness>): void {
  const withHarness = (test: (harness: InputHarness, edges: Edge[]) => Promise<void>) => async () => {
    const harness = await factory()
    const edges: Edge[] = []
    harness.input.onEdge((edge) => edges.push(edge))
    try {
      await test(harness, edges)
    } finally {
      await harness.input.close()
      await harness.close?.()
    }
  }

  describe(`DigitalInput contract: ${name}`, () => {
    it(
      'opens low with no edge',
      withHarness(async ({ input }, edges) => {
        expect(input.debounceMs).toBeGreaterThanOrEqual(20)
        expect(input.current()).toBe(false)
        expect(edges).toEqual([])
      }),
    )

    it(
      'reports a held change once, after the debounce time, stamped with the time of the change',
      withHarness(async ({ input, drive, pass, now }, edges) => {
        const before = now()
        await drive(true)
        const after = now()
        await pass(input.debounceMs / 2)
        expect(edges).toEqual([])
        expect(input.current()).toBe(false)
        await pass(input.debounceMs)
        expect(edges).toHaveLength(1)
        expect(edges[0]?.level).toBe(true)
        expect(edges[0]?.at).toBeGreaterThanOrEqual(before)
        expect(edges[0]?.at).toBeLessThanOrEqual(after)
        expect(input.current()).toBe(true)
      }),
    )

    it(
      'ignores a pulse shorter than the debounce time',
      withHarness(async ({ input, drive, pass, now }, edges) => {
        // On a real clock a loaded machine can stretch the pulse past the debounce time. Only a pulse known to be
        // short (from before the rise to after the fall) is judged; a stretched one is retried a few times.
        for (let attempt = 1; ; attempt++) {
          const start = now()
          await drive(true)
          await pass(input.debounceMs / 4)
          await drive(false)
          const width = now() - start
          await pass(input.debounceMs * 2)
          if (width < input.debounceMs) break
          if (attempt === 5) throw new Error(`could not drive a pulse shorter than ${input.debounceMs} ms`)
          edges.length = 0
        }
        expect(edges).toEqual([])
        expect(input.current()).toBe(false)
      }),
    )

    it(
      'emits alternating edges with non-decreasing timestamps',
      withHarness(async ({ input, drive, pass }, edges) => {
        for (const level of [true, false, true, false]) {
          await drive(level)
          await pass(input.debounceMs * 1.5)
        }
        expect(edges.map((edge) => edge.level)).toEqual([true, false, true, false])
        const times = edges.map((edge) => edge.at)
        expect(times).toEqual([...times].sort((a, b) => a - b))
      }),
    )

    it(
      'stops delivering to a listener that unsubscribed',
      withHarness(async ({ input, drive, pass }) => {
        const seen: Edge[] = []
        const unsubscribe = input.onEdge((edge) => seen.push(edge))
        unsubscribe()
        await drive(true)
        await pass(input.debounceMs * 1.5)
        expect(seen).toEqual([])
      }),
    )

    it(
      'emits nothing after close, and current() then throws HardwareClosedError',
      withHarness(async ({ input, drive, pass }, edges) => {
        await drive(true)
        await input.close()
        await pass(input.debounceMs * 1.5)
        expect(edges).toEqual([])
        expect(() => input.current()).toThrow(HardwareClosedError)
        await expect(input.close()).resolves.toBeUndefined()
      }),
    )
  })
}
