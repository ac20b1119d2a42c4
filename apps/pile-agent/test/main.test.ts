// The pile agent's main program: the checks every agent's main makes before it runs (agent-main's suite).
import { fileURLToPath } from 'node:url'
import { describeAgentMain } from '@chargechain/agent-main/testing'

describeAgentMain({
  name: 'pile-agent',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  labExample: fileURLToPath(new URL('../examples/pile.lab.json', import.meta.url)),
  piExample: fileURLToPath(new URL('../examples/pile.pi.json', import.meta.url)),
  agentSection: 'pile',
  agentSettings: { dmid: 'CC-0001' },
  gpioSection: 'gpio',
})
