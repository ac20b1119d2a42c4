// The README's diagram and package table are generated from the package.json files; this checks they are current.
// Adding a dependency to any package.json (or a package) without `npm run readme` fails the first test; tried.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readWorkspace, withWorkspace, workspaceSection } from './workspace.js'

const root = fileURLToPath(new URL('..', import.meta.url))

describe('README workspace section', () => {
  it('shows every workspace package and its dependencies as the package.json files say (npm run readme)', async () => {
    const readme = await readFile(`${root}README.md`, 'utf8')
    expect(withWorkspace(readme, await readWorkspace(root))).toBe(readme)
  })

  it('draws only the arrows no other path implies, and lists every dependency in the table', () => {
    const section = workspaceSection([
      {
        folder: 'apps/app',
        name: '@x/app',
        description: 'the app',
        dependsOn: ['packages/core', 'packages/base'],
      },
      { folder: 'packages/core', name: '@x/core', description: 'a | b', dependsOn: ['packages/base'] },
      { folder: 'packages/base', name: '@x/base', description: 'the base', dependsOn: [] },
    ])
    expect(section).toBe(
      [
        '```mermaid',
        'flowchart TD',
        '  packages_base["packages/base"]',
        '  packages_core["packages/core"]',
        '  apps_app["apps/app"]',
        '  packages_core --> packages_base',
        '  apps_app --> packages_core',
        '```',
        '',
        '| folder          | package   | depends on | job      |',
        '| --------------- | --------- | ---------- | -------- |',
        '| `packages/base` | `@x/base` |            | the base |',
        '| `packages/core` | `@x/core` | base       | a \\| b   |',
        '| `apps/app`      | `@x/app`  | core, base | the app  |',
      ].join('\n'),
    )
  })
})
