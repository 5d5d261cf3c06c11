// API docs for every published package, from the TSDoc comments. The entry points are read
// from each package's exports map (its `@gen/source` files), so a new subpath is documented
// as soon as it is exported. Warnings (an undocumented export, a broken link) fail the build.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const entryPoints = []
for (const dir of readdirSync('packages')) {
  const manifestPath = join('packages', dir, 'package.json')
  if (!existsSync(manifestPath)) continue
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  if (manifest.private) continue
  for (const target of Object.values(manifest.exports ?? {})) {
    const source = target && typeof target === 'object' ? target['@gen/source'] : undefined
    if (source) entryPoints.push(join('packages', dir, source))
  }
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'gen',
  entryPoints,
  entryPointStrategy: 'resolve',
  tsconfig: 'tsconfig.json',
  out: 'docs/api',
  readme: 'docs/api-readme.md',
  excludePrivate: true,
  // No public remote yet: source links would point nowhere.
  disableSources: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Function', 'Class', 'Interface', 'TypeAlias', 'Enum', 'Variable'],
}
