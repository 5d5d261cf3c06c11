import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { listWorkspacePackages, type WorkspacePackage } from './workspace.ts'

/**
 * The dependency rules of DESIGN.md ("The tree"):
 *
 * ```
 * apps/*  ->  model packages  ->  @gen/core-tensor  ->  (nothing of ours)
 * apps/*  ->  @gen/datasets, @gen/viz               ->  (nothing of ours)
 * ```
 *
 * Model packages may use datasets, viz and other model packages in tests and examples
 * (devDependencies). Nothing published depends on an app or on tooling at run time.
 */
export type PackageKind = 'core' | 'model' | 'light' | 'app' | 'tooling'

const corePackage = '@gen/core-tensor'
const lightPackages = new Set(['@gen/datasets', '@gen/viz'])

/** Classifies a workspace package by its name and group. */
export function packageKind(pkg: Pick<WorkspacePackage, 'group' | 'manifest'>): PackageKind {
  if (pkg.group === 'apps') return 'app'
  if (pkg.group === 'tooling') return 'tooling'
  if (pkg.manifest.name === corePackage) return 'core'
  if (lightPackages.has(pkg.manifest.name)) return 'light'
  return 'model'
}

/** Which workspace packages a package of `kind` may depend on at run time. */
export function allowedRuntimeEdge(kind: PackageKind, target: { kind: PackageKind; name: string }): boolean {
  switch (kind) {
    case 'core':
    case 'light':
    case 'tooling':
      return false
    case 'model':
      return target.kind === 'core'
    case 'app':
      return target.kind !== 'tooling' && target.kind !== 'app'
  }
}

/** Which workspace packages a package of `kind` may list as devDependencies. */
export function allowedDevEdge(kind: PackageKind, target: { kind: PackageKind }): boolean {
  if (target.kind === 'tooling') return true
  if (target.kind === 'app') return false
  // Tooling stays below everything it serves.
  return kind !== 'tooling'
}

/** A dependency edge that breaks the rules, with where it was found. */
export interface BoundaryViolation {
  /** The package that has the edge. */
  from: string
  /** The package it reaches. */
  to: string
  /** `dependencies`, `devDependencies`, ... or the source file with the import. */
  where: string
  message: string
}

const runtimeFields = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const
// import x from '…', export … from '…', import('…'), require('…'), import '…'
const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g

/**
 * The source without its comments, so a TSDoc `@example` that imports another package (how
 * a user combines them) is not taken for an import of the module itself. String literals are
 * kept whole: a `//` or `/*` inside one is not a comment.
 */
export function withoutComments(source: string): string {
  return source.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (match) =>
    match.startsWith('/') ? ' ' : match,
  )
}

function packageNameOf(specifier: string): string | undefined {
  if (!specifier.startsWith('@')) return undefined
  const [scope, name] = specifier.split('/')
  return scope && name ? `${scope}/${name}` : undefined
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const entry of entries) {
    if (entry === 'node_modules' || entry === 'dist' || entry === '__fixtures__') continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry)) out.push(path)
  }
  return out
}

function isTestFile(path: string): boolean {
  return /\.(test|test-d|bench)\.[cm]?[jt]sx?$/.test(path) || /[/\\](test|bench)[/\\]/.test(path)
}

/**
 * Checks every workspace package's manifest edges and the `@gen/*` imports in its sources
 * against the allowed edges. Returns the violations (empty when the tree is clean).
 */
export function checkBoundaries(root: string): BoundaryViolation[] {
  const packages = listWorkspacePackages(root)
  const byName = new Map(packages.map((p) => [p.manifest.name, p]))
  const violations: BoundaryViolation[] = []

  for (const pkg of packages) {
    const from = pkg.manifest.name
    const kind = packageKind(pkg)
    const runtimeDeps = new Set<string>()
    for (const field of runtimeFields) {
      for (const dep of Object.keys(pkg.manifest[field] ?? {})) {
        runtimeDeps.add(dep)
        const target = byName.get(dep)
        if (!target) continue
        const targetKind = packageKind(target)
        if (!allowedRuntimeEdge(kind, { kind: targetKind, name: dep })) {
          violations.push({
            from,
            to: dep,
            where: field,
            message: `${from} (${kind}) must not depend on ${dep} (${targetKind}) at run time`,
          })
        }
      }
    }
    const devDeps = new Set(Object.keys(pkg.manifest.devDependencies ?? {}))
    for (const dep of devDeps) {
      const target = byName.get(dep)
      if (!target) continue
      const targetKind = packageKind(target)
      if (!allowedDevEdge(kind, { kind: targetKind })) {
        violations.push({
          from,
          to: dep,
          where: 'devDependencies',
          message: `${from} (${kind}) must not depend on ${dep} (${targetKind}), not even in development`,
        })
      }
    }

    // Sources: a non-test file may import only its runtime deps; tests may also use devDeps.
    // Tooling is skipped: its sources hold package names as data (templates, fixtures).
    if (kind === 'tooling') continue
    const pkgDir = join(root, pkg.dir)
    for (const file of sourceFiles(join(pkgDir, 'src'))) {
      const text = withoutComments(readFileSync(file, 'utf8'))
      const test = isTestFile(file)
      for (const match of text.matchAll(importPattern)) {
        const target = packageNameOf(match[1])
        if (!target || target === from || !byName.has(target)) continue
        const declared = runtimeDeps.has(target) || (test && devDeps.has(target))
        if (!declared) {
          violations.push({
            from,
            to: target,
            where: relative(root, file),
            message: `${relative(root, file)} imports ${target}, which ${from} does not declare as a ${test ? '' : 'run-time '}dependency`,
          })
        }
      }
    }
  }
  return violations
}
