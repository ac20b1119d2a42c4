// Writes the machine's Mermaid diagram into README.md between its markers; readme.test.ts checks it is current.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { withDiagram } from '../src/readme.js'

const path = fileURLToPath(new URL('../README.md', import.meta.url))
await writeFile(path, withDiagram(await readFile(path, 'utf8')))
