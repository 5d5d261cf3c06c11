/**
 * The changeset rule: every published package whose shipped source changed since the last
 * release must be named by a pending changeset (`.changeset/*.md`). A release is a commit that
 * `changeset version` made, which rewrites CHANGELOG.md files, so the range starts there.
 */
export interface ChangesetCheckInput {
  /** Paths changed since the last release, relative to the repo root. */
  changedPaths: string[]
  /** Package names named in the frontmatter of pending changeset files. */
  coveredPackages: Set<string>
  /** Map from package directory (`packages/ising`) to its package name. */
  packageNames: Map<string, string>
}

/** True for files that ship to users: sources, not their tests or fixtures. */
export function isShippedSource(path: string): boolean {
  if (!/^packages\/[^/]+\/src\//.test(path)) return false
  return !/\.test(-d)?\.ts$/.test(path) && !path.includes('/__fixtures__/')
}

/** Returns the names of changed packages that no pending changeset covers. */
export function uncoveredPackages(input: ChangesetCheckInput): string[] {
  const changed = new Set<string>()
  for (const path of input.changedPaths) {
    if (!isShippedSource(path)) continue
    const dir = path.split('/').slice(0, 2).join('/')
    const name = input.packageNames.get(dir)
    if (name) changed.add(name)
  }
  return [...changed].filter((name) => !input.coveredPackages.has(name)).sort()
}

/** Package names in a changeset file's frontmatter (`"@gen/ising": minor`). */
export function parseChangesetPackages(text: string): string[] {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)
  if (!match) return []
  const names: string[] = []
  for (const line of match[1].split(/\r?\n/)) {
    const entry = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line)
    if (entry) names.push(entry[1].trim())
  }
  return names
}
