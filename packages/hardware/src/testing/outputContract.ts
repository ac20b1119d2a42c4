import { describe, expect, it } from 'vitest'
import { HardwareClosedError } from '../errors.js'
import type { BinaryOutput } from '../outputs.js'

export interface OutputHarness {
  output: BinaryOutput
  /** Reads the physical state independently of the driver (a simulated twin's `physical()`, a second GPIO handle). */
  observe(): boolean | Promise<boolean>
  close?(): Promise<void>
}

function describeBinaryOutputContract(
  kind: string,
  name: string,
  factory: () => Promise<OutputHarness>,
): void {
  const withHarness = (test: (harness: OutputHarness) => Promise<void>) => async () => {
    const harness = await factory()
    try {
      await test(harness)
    } finally {
      await harness.output.close()
      await harness.close?.()
    }
  }

  describe(`${kind} contract: ${name}`, () => {
    it(
      'opens off',
      withHarness(async ({ output, observe }) => {
        expect(await output.isOn()).toBe(false)
        expect(await observe()).toBe(false)
      }),
    )

    it(
      'switches on and off and reads its state back',
      withHarness(async ({ output, observe }) => {
        await output.set(true)
        expect(await output.isOn()).toBe(true)
        expect(await observe()).toBe(true)
        await output.set(true)
        expect(await output.isOn()).toBe(true)
        await output.set(false)
        expect(await output.isOn()).toBe(false)
        expect(await observe()).toBe(false)
      }),
    )

    it(
      'is left off by close(), and rejects every call after it',
      withHarness(async ({ output, observe }) => {
        await output.set(true)
        await output.close()
        expect(await observe()).toBe(false)
        await expect(output.isOn()).rejects.toThrow(HardwareClosedError)
        await expect(output.set(true)).rejects.toThrow(HardwareClosedError)
        expect(await observe()).toBe(false)
        await expect(output.close()).resolves.toBeUndefined()
      }),
    )
  })
}

/** The behaviour every charging-relay driver must show. */
export function describeRelayContract(name: string, factory: () => Promise<OutputHarness>): void {
  describeBinaryOutputContract('Relay', name, factory)
}

/** The behaviour every HC-05 power-switch driver must show. */
export function describePowerSwitchContract(name: string, factory: () => Promise<OutputHarness>): void {
  describeBinaryOutputContract('PowerSwitch', name, factory)
}
