// Writes the workspace diagram and package table into README.md between its markers, from the package.json files.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { readWorkspace, withWorkspace } from './workspace.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const path = `${root}README.md`
await writeFile(path, withWorkspace(await readFile(path, 'utf8'), await readWorkspace(root)))
