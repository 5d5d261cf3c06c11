import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The parts of a package.json the repo scripts read. */
export interface PackageManifest {
  name: string
  version?: string
  private?: boolean
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  [key: string]: unknown
}

/** One workspace package: where it lives and its manifest. */
export interface WorkspacePackage {
  /** Directory relative to the workspace root, e.g. `packages/ising`. */
  dir: string
  /** Which workspace group holds it. */
  group: 'packages' | 'apps' | 'tooling'
  manifest: PackageManifest
}

const groups = ['packages', 'apps', 'tooling'] as const

/** Lists the workspace packages (`packages/*`, `apps/*`, `tooling/*`) under `root`, sorted by dir. */
export function listWorkspacePackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = []
  for (const group of groups) {
    const groupDir = join(root, group)
    if (!existsSync(groupDir)) continue
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const manifestPath = join(groupDir, entry.name, 'package.json')
      if (!existsSync(manifestPath)) continue
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageManifest
      found.push({ dir: `${group}/${entry.name}`, group, manifest })
    }
  }
  return found.sort((a, b) => a.dir.localeCompare(b.dir))
}

/** Published packages: under `packages/` and not private. */
export function publishedPackages(root: string): WorkspacePackage[] {
  return listWorkspacePackages(root).filter((p) => p.group === 'packages' && p.manifest.private !== true)
}
