import type { CanFrame } from '../can/bus.js'
import type { ObdMapInput } from '../can/obd.js'

/**
 * An electric car's battery ECU on the CAN bus, answering OBD requests over ISO-TP from 0x7E8: the standard PID 0x5B
 * (battery remaining, A × 100 / 255 %), and a 120-byte manufacturer record (service 0x22, identifier 0x0101) holding
 * current, voltage and a cumulative charged-energy counter, long enough that its answer wraps the consecutive-frame
 * sequence number. `fakeCarObdMap` is the PID map that reads it.
 */
export interface FakeCarEcu {
  /** Hands the ECU a frame from the bus; it answers through `send`. */
  receive(frame: CanFrame): void
  /** Energy into the battery: the counter and the state of charge rise, current flows. */
  charge(wh: number): void
  setCurrent(amps: number): void
  /** The next `count` requests get no answer at all. */
  ignoreNext(count: number): void
  /** The next answer's consecutive frames come out of order. */
  scrambleNext(): void
  readonly state: { stateOfCharge: number; energyWh: number; voltageV: number; currentA: number }
}

const CAPACITY_WH = 64_000

export const fakeCarObdMap: ObdMapInput = {
  stateOfCharge: { service: 0x01, pid: 0x5b, scale: 1 / 255 },
  voltageV: { service: 0x22, pid: 0x0101, requestId: 0x7e0, offset: 12, length: 2, scale: 0.1 },
  currentA: { service: 0x22, pid: 0x0101, requestId: 0x7e0, offset: 10, length: 2, signed: true, scale: 0.1 },
  energyWh: { service: 0x22, pid: 0x0101, requestId: 0x7e0, offset: 30, length: 4 },
}

export function createFakeCarEcu(send: (frame: CanFrame) => void): FakeCarEcu {
  const state = { stateOfCharge: 0.4, energyWh: 1_234_500, voltageV: 356.4, currentA: 0 }
  let ignore = 0
  let scramble = false
  let waitingFlowControl: Uint8Array | undefined

  const frame = (bytes: number[]): CanFrame => ({
    id: 0x7e8,
    extended: false,
    data: Uint8Array.from({ length: 8 }, (_, index) => bytes[index] ?? 0xaa),
  })

  const record = () => {
    const bytes = new Uint8Array(120)
    const view = new DataView(bytes.buffer)
    view.setInt16(10, Math.round(state.currentA * 10))
    view.setUint16(12, Math.round(state.voltageV * 10))
    view.setUint32(30, Math.floor(state.energyWh))
    return bytes
  }

  const answer = (payload: Uint8Array) => {
    if (payload.length <= 7) return send(frame([payload.length, ...payload]))
    send(frame([0x10 | (payload.length >> 8), payload.length & 0xff, ...payload.subarray(0, 6)]))
    waitingFlowControl = payload
  }

  const consecutiveFrames = (payload: Uint8Array) => {
    const frames: CanFrame[] = []
    for (let offset = 6, seq = 1; offset < payload.length; offset += 7, seq = (seq + 1) & 0x0f)
      frames.push(frame([0x20 | seq, ...payload.subarray(offset, offset + 7)]))
    if (scramble && frames.length > 2) {
      scramble = false
      const [first, second] = [frames[0], frames[1]]
      if (first && second) frames.splice(0, 2, second, first)
    }
    for (const cf of frames) send(cf)
  }

  return {
    state,
    receive(incoming) {
      const data = incoming.data
      if (incoming.id === 0x7e0 && waitingFlowControl && data[0] === 0x30) {
        const payload = waitingFlowControl
        waitingFlowControl = undefined
        return consecutiveFrames(payload)
      }
      if (incoming.id !== 0x7df && incoming.id !== 0x7e0) return
      if ((data[0] ?? 0) >> 4 !== 0) return
      if (ignore > 0) {
        ignore--
        return
      }
      const [service, first, second] = [data[1], data[2], data[3]]
      if (service === 0x01 && first === 0x5b)
        return answer(Uint8Array.of(0x41, 0x5b, Math.round(state.stateOfCharge * 255)))
      if (service === 0x22 && first === 0x01 && second === 0x01 && incoming.id === 0x7e0)
        return answer(Uint8Array.of(0x62, 0x01, 0x01, ...record()))
      // Anything else: "request out of range".
      answer(Uint8Array.of(0x7f, service ?? 0, 0x31))
    },
    charge(wh) {
      state.energyWh += wh
      state.stateOfCharge = Math.min(1, state.stateOfCharge + wh / CAPACITY_WH)
    },
    setCurrent(amps) {
      state.currentA = amps
    },
    ignoreNext(count) {
      ignore += count
    },
    scrambleNext() {
      scramble = true
    },
  }
}
