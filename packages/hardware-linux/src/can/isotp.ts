// ISO-TP (ISO 15765-2) as OBD-II on CAN uses it: a request in one single frame, an answer in a single frame or in a
// first frame and consecutive frames, which the asker paces with a flow-control frame.
import type { CanBus, CanFrame } from './bus.js'
import { IsoTpError } from './errors.js'

export interface IsoTpRequest {
  /** Where the request goes: 0x7DF (every OBD ECU) or an ECU's own id (0x7E0…0x7E7). */
  requestId: number
  /** The answering ECU's id, 0x7E8…0x7EF. */
  responseId: number
  /** Where flow control goes: the answering ECU's own request id. Default `responseId − 8`. */
  flowControlId?: number
  payload: Uint8Array
  timeoutMs: number
}

/** Frames are padded to 8 bytes, as most ECUs expect. */
const pad = (bytes: number[]) => Uint8Array.from({ length: 8 }, (_, index) => bytes[index] ?? 0)

/** Sends one request and resolves with the complete answer payload from `responseId`. */
export function isoTpRequest(bus: CanBus, request: IsoTpRequest): Promise<Uint8Array> {
  const { payload } = request
  if (payload.length < 1 || payload.length > 7)
    return Promise.reject(new RangeError(`An ISO-TP single frame carries 1–7 bytes, not ${payload.length}.`))
  return new Promise((resolve, reject) => {
    let answer: Uint8Array | undefined
    let received = 0
    let expectedSeq = 1
    const finish = (error?: IsoTpError) => {
      clearTimeout(timer)
      unsubscribe()
      if (error) reject(error)
      else resolve(answer ?? new Uint8Array())
    }
    const timer = setTimeout(
      () =>
        finish(
          new IsoTpError(
            'timeout',
            `No ISO-TP answer from 0x${request.responseId.toString(16)} in ${request.timeoutMs} ms.`,
          ),
        ),
      request.timeoutMs,
    )
    const unsubscribe = bus.onFrame((frame: CanFrame) => {
      if (frame.extended || frame.id !== request.responseId || frame.data.length === 0) return
      const data = frame.data
      const kind = (data[0] ?? 0) >> 4
      if (kind === 0 && answer === undefined) {
        const length = (data[0] ?? 0) & 0x0f
        if (length < 1 || length > data.length - 1)
          return finish(new IsoTpError('malformed', `An ISO-TP single frame announced ${length} bytes.`))
        answer = data.slice(1, 1 + length)
        return finish()
      }
      if (kind === 1 && answer === undefined) {
        const length = (((data[0] ?? 0) & 0x0f) << 8) | (data[1] ?? 0)
        if (length < 8)
          return finish(new IsoTpError('malformed', `An ISO-TP first frame announced ${length} bytes.`))
        answer = new Uint8Array(length)
        const first = data.slice(2, 8)
        answer.set(first.subarray(0, length))
        received = first.length
        // Clear to send, no block limit, no gap between frames.
        void bus
          .send({
            id: request.flowControlId ?? request.responseId - 8,
            extended: false,
            data: pad([0x30, 0, 0]),
          })
          .catch((error: unknown) =>
            finish(new IsoTpError('timeout', 'Sending ISO-TP flow control failed.', { cause: error })),
          )
        return
      }
      if (kind === 2 && answer !== undefined) {
        const seq = (data[0] ?? 0) & 0x0f
        if (seq !== expectedSeq)
          return finish(
            new IsoTpError('sequence', `ISO-TP consecutive frame ${seq} came where ${expectedSeq} was due.`),
          )
        expectedSeq = (expectedSeq + 1) & 0x0f
        const chunk = data.slice(1, 1 + Math.min(7, answer.length - received))
        answer.set(chunk, received)
        received += chunk.length
        if (received >= answer.length) finish()
      }
    })
    bus
      .send({ id: request.requestId, extended: false, data: pad([payload.length, ...payload]) })
      .catch((error: unknown) =>
        finish(new IsoTpError('timeout', 'Sending the ISO-TP request failed.', { cause: error })),
      )
  })
}
