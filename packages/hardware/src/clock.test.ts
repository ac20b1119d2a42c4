import { createRealClock } from './clock.js'
import { describeClockContract } from './testing/clockContract.js'

describeClockContract('real clock', () => {
  const clock = createRealClock()
  return { clock, pass: (ms) => clock.sleep(ms) }
})
