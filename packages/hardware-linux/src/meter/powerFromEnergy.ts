/**
 * Average power from a cumulative energy register that reports no power of its own (the STM32's lines): the energy
 * between the last two changes of the register over the time between them, fading to zero once the register stops
 * moving for longer than that.
 */
export class PowerFromEnergy {
  #last: { wh: number; at: number } | undefined
  #previous: { wh: number; at: number } | undefined

  update(wh: number, at: number): void {
    if (this.#last && wh === this.#last.wh) return
    this.#previous = this.#last
    this.#last = { wh, at }
  }

  powerW(now: number): number {
    const last = this.#last
    const previous = this.#previous
    if (!(last && previous) || last.at <= previous.at) return 0
    const averageW = ((last.wh - previous.wh) * 3_600_000) / (last.at - previous.at)
    const silentMs = now - last.at
    const stepMs = last.at - previous.at
    // No change for longer than the last step: at most one register step has built up since, so the power is at most
    // that step over the time waited; twice the step and nothing moved means the current stopped.
    if (silentMs > 2 * stepMs) return 0
    if (silentMs <= stepMs) return averageW
    return Math.min(averageW, ((last.wh - previous.wh) * 3_600_000) / silentMs)
  }
}
