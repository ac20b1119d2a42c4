/**
 * One switched output.
 *
 * - `set(on)` resolves once the output is driven; `isOn()` reads the state back from the hardware (a feedback contact
 *   or the GPIO value register), not from a cached copy, so a welded contact or a failed driver shows up.
 * - `close()` switches the output OFF before releasing it, whatever state it was in: a crashed or stopped agent must
 *   never leave a charging relay closed. After `close()` every call rejects with `HardwareClosedError`; closing twice
 *   is a no-op.
 */
export interface BinaryOutput {
  set(on: boolean): Promise<void>
  isOn(): Promise<boolean>
  close(): Promise<void>
}

/** The charging relay / contactor (BCM 22 on the prototype). On = energy may flow to the gun. */
export type Relay = BinaryOutput
/** Power for the HC-05 Bluetooth module (EN, BCM 4). Powered only once a car has arrived. */
export type PowerSwitch = BinaryOutput
