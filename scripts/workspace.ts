// The workspace as its package.json files describe it, and the README section generated from them: the dependency
// diagram and the package table. scripts/workspace.test.ts checks the README is current; `npm run readme` rewrites it.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface WorkspacePackage {
  /** The folder, relative to the repository root: `packages/chain`. */
  folder: string
  name: string
  description: string
  /** The folders of the workspace packages it depends on at run time (devDependencies left out). */
  dependsOn: string[]
}

interface PackageJson {
  name: string
  description?: string
  workspaces?: string[]
  dependencies?: Record<string, string>
}

const readPackageJson = async (path: string): Promise<PackageJson> =>
  JSON.parse(await readFile(path, 'utf8')) as PackageJson

/** Every package the root package.json's workspaces (`packages/*`, `apps/*`) hold, packages before apps. */
export async function readWorkspace(root: string): Promise<WorkspacePackage[]> {
  const { workspaces = [] } = await readPackageJson(join(root, 'package.json'))
  const found: Array<{ folder: string; json: PackageJson }> = []
  for (const pattern of workspaces) {
    const parent = pattern.replace(/\/\*$/, '')
    const entries = await readdir(join(root, parent), { withFileTypes: true })
    for (const entry of entries
      .filter((item) => item.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const folder = `${parent}/${entry.name}`
      const json = await readPackageJson(join(root, folder, 'package.json')).catch(() => undefined)
      if (json) found.push({ folder, json })
    }
  }
  const folderOf = new Map(found.map(({ folder, json }) => [json.name, folder]))
  return found.map(({ folder, json }) => ({
    folder,
    name: json.name,
    description: json.description ?? '',
    dependsOn: Object.keys(json.dependencies ?? {}).flatMap((name) => folderOf.get(name) ?? []),
  }))
}

/** Packages before apps, each dependencies first, then by folder: the order of the table. */
function layered(packages: readonly WorkspacePackage[]): WorkspacePackage[] {
  const byFolder = new Map(packages.map((item) => [item.folder, item]))
  const depth = new Map<string, number>()
  const depthOf = (folder: string): number => {
    const known = depth.get(folder)
    if (known !== undefined) return known
    const own = Math.max(-1, ...(byFolder.get(folder)?.dependsOn ?? []).map(depthOf)) + 1
    depth.set(folder, own)
    return own
  }
  const isApp = (item: WorkspacePackage) => (item.folder.startsWith('apps/') ? 1 : 0)
  return [...packages].sort(
    (a, b) =>
      isApp(a) - isApp(b) || depthOf(a.folder) - depthOf(b.folder) || a.folder.localeCompare(b.folder),
  )
}

/** Direct dependencies not already reached through another one: the diagram's arrows. */
function reducedEdges(packages: readonly WorkspacePackage[]): Array<[string, string]> {
  const byFolder = new Map(packages.map((item) => [item.folder, item]))
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    (byFolder.get(from)?.dependsOn ?? []).some(
      (next) => next === to || (!seen.has(next) && seen.add(next) && reaches(next, to, seen)),
    )
  return packages.flatMap((item) =>
    item.dependsOn
      .filter((target) => !item.dependsOn.some((other) => other !== target && reaches(other, target)))
      .map((target): [string, string] => [item.folder, target]),
  )
}

const nodeId = (folder: string) => folder.replace(/[^a-z0-9]/gi, '_')

const BEGIN = '<!-- workspace:begin (npm run readme) -->'
const END = '<!-- workspace:end -->'

/** The README's workspace section for these packages: a Mermaid diagram and a table. */
export function workspaceSection(packages: readonly WorkspacePackage[]): string {
  const ordered = layered(packages)
  const nodes = ordered.map(({ folder }) => `  ${nodeId(folder)}["${folder}"]`)
  const edges = reducedEdges(ordered).map(([from, to]) => `  ${nodeId(from)} --> ${nodeId(to)}`)
  const rows = ordered.map(({ folder, name, dependsOn, description }) => [
    `\`${folder}\``,
    `\`${name}\``,
    dependsOn.map((target) => target.replace(/^[^/]*\//, '')).join(', '),
    description.replaceAll('|', '\\|'),
  ])
  return [
    '```mermaid',
    'flowchart TD',
    ...nodes,
    ...edges,
    '```',
    '',
    ...table(['folder', 'package', 'depends on', 'job'], rows),
  ].join('\n')
}

/** A Markdown table with its columns padded to one width, as the formatter (biome) writes it. */
function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  )
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)]
}

/** The README with the section between its markers replaced by the current one. */
export function withWorkspace(readme: string, packages: readonly WorkspacePackage[]): string {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start === -1 || end < start) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`)
  return `${readme.slice(0, start + BEGIN.length)}\n\n${workspaceSection(packages)}\n\n${readme.slice(end)}`
}
