import { toMermaid } from '@chargechain/agent-core'
import { vehicleMachine } from './machine.js'

const BEGIN = '<!-- diagram:begin (npm run diagram -w @chargechain/vehicle) -->'
const END = '<!-- diagram:end -->'

/** The README with the machine's diagram between its markers replaced by the current one. */
export function withDiagram(readme: string): string {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start === -1 || end < start) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`)
  return `${readme.slice(0, start + BEGIN.length)}\n\n\`\`\`mermaid\n${toMermaid(vehicleMachine)}\`\`\`\n\n${readme.slice(end)}`
}
