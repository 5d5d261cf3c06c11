import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseChangesetPackages, uncoveredPackages } from './check-changesets.ts'
import { publishedPackages } from './workspace.ts'

const root = process.cwd()
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()

// The last release commit touched a CHANGELOG.md; without one, the whole history counts.
const base =
  process.env.GEN_CHANGESET_BASE ??
  (git('log', '-1', '--format=%H', '--', 'packages/*/CHANGELOG.md') ||
    git('rev-list', '--max-parents=0', 'HEAD').split('\n').pop()!)
const committed = git('diff', '--name-only', `${base}`, 'HEAD').split('\n')
const rootCommit = git('rev-list', '--max-parents=0', 'HEAD').split('\n').pop()
// With no release yet the root commit's own files count as well.
const fromRoot = base === rootCommit ? git('show', '--name-only', '--format=', base).split('\n') : []
const uncommitted = git('status', '--porcelain')
  .split('\n')
  .map((l) => l.slice(3))
const changedPaths = [...committed, ...fromRoot, ...uncommitted].filter(Boolean)

const covered = new Set<string>()
const dir = join(root, '.changeset')
if (existsSync(dir)) {
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    for (const name of parseChangesetPackages(readFileSync(join(dir, file), 'utf8'))) covered.add(name)
  }
}
const packageNames = new Map(publishedPackages(root).map((p) => [p.dir, p.manifest.name]))
const missing = uncoveredPackages({ changedPaths, coveredPackages: covered, packageNames })
if (missing.length > 0) {
  console.error(
    `check-changesets: ${missing.join(', ')} changed since ${base.slice(0, 9)} without a changeset; run \`pnpm changeset\``,
  )
  process.exit(1)
}
console.log(`check-changesets: every changed package has a pending changeset (since ${base.slice(0, 9)})`)
