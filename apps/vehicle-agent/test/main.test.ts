// The vehicle agent's main program: the checks every agent's main makes before it runs (agent-main's suite).
import { fileURLToPath } from 'node:url'
import { describeAgentMain } from '@chargechain/agent-main/testing'

describeAgentMain({
  name: 'vehicle-agent',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  labExample: fileURLToPath(new URL('../examples/car.lab.json', import.meta.url)),
  piExample: fileURLToPath(new URL('../examples/car.pi.json', import.meta.url)),
  agentSection: 'vehicle',
  agentSettings: { payment: { maxPricePerKWh: '1', deposit: '1' } },
  gpioSection: 'lights',
})
