import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkBoundaries, withoutComments } from './check-boundaries.ts'

/** Writes a throw-away workspace: `{ 'packages/x/package.json': {...}, 'packages/x/src/a.ts': '...' }`. */
function workspace(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'gen-boundaries-'))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return root
}

const core = { name: '@gen/core-tensor' }
const datasets = { name: '@gen/datasets' }
const viz = { name: '@gen/viz' }

describe('check-boundaries', () => {
  it('accepts the allowed edges of DESIGN.md', () => {
    const root = workspace({
      'packages/core-tensor/package.json': core,
      'packages/datasets/package.json': datasets,
      'packages/viz/package.json': viz,
      'packages/ising/package.json': {
        name: '@gen/ising',
        dependencies: { '@gen/core-tensor': 'workspace:^' },
        devDependencies: { '@gen/viz': 'workspace:^', '@gen/datasets': 'workspace:^' },
      },
      'packages/ising/src/index.ts': "import { zeros } from '@gen/core-tensor'\nexport const a = zeros\n",
      'packages/ising/src/index.test.ts': "import { encodePng } from '@gen/viz'\n",
      'apps/cli/package.json': {
        name: '@gen-app/cli',
        dependencies: { '@gen/ising': 'workspace:^', '@gen/viz': 'workspace:^' },
      },
      'apps/cli/src/main.ts': "import '@gen/ising'\nimport '@gen/viz'\n",
    })
    expect(checkBoundaries(root)).toEqual([])
  })

  it('fails on a model package that imports another model at run time', () => {
    const root = workspace({
      'packages/core-tensor/package.json': core,
      'packages/ising/package.json': {
        name: '@gen/ising',
        dependencies: { '@gen/core-tensor': 'workspace:^' },
      },
      'packages/hopfield/package.json': {
        name: '@gen/hopfield',
        dependencies: { '@gen/core-tensor': 'workspace:^', '@gen/ising': 'workspace:^' },
      },
      'packages/hopfield/src/energy.ts': "import { energy } from '@gen/ising'\nexport { energy }\n",
    })
    const violations = checkBoundaries(root)
    expect(violations.map((v) => v.where)).toEqual(['dependencies'])
    expect(violations[0].message).toBe(
      '@gen/hopfield (model) must not depend on @gen/ising (model) at run time',
    )
  })

  it('fails on a source import that package.json does not declare, even through a devDependency', () => {
    const root = workspace({
      'packages/core-tensor/package.json': core,
      'packages/viz/package.json': viz,
      'packages/ising/package.json': {
        name: '@gen/ising',
        dependencies: { '@gen/core-tensor': 'workspace:^' },
        devDependencies: { '@gen/viz': 'workspace:^' },
      },
      'packages/ising/src/plot.ts': "export { encodePng } from '@gen/viz'\n",
      'packages/ising/src/lazy.ts': "export const load = () => import('@gen/viz')\n",
      // an import inside a doc comment's example is not an import of the module
      'packages/ising/src/documented.ts':
        "/**\n * @example\n * import { encodePng } from '@gen/viz'\n */\nexport const url = 'http://x' // import '@gen/viz'\n",
    })
    const violations = checkBoundaries(root)
    expect(violations.map((v) => v.where).sort()).toEqual([
      'packages/ising/src/lazy.ts',
      'packages/ising/src/plot.ts',
    ])
    expect(violations[0].message).toMatch(
      /imports @gen\/viz, which @gen\/ising does not declare as a run-time dependency/,
    )
  })

  it('strips comments but keeps strings whole', () => {
    expect(withoutComments('a /* x */ b // c\nd \'//not\' "/*no*/" `//t`')).toBe(
      'a   b  \nd \'//not\' "/*no*/" `//t`',
    )
  })

  it('keeps core-tensor, datasets and viz free of run-time edges to other gen packages', () => {
    const root = workspace({
      'packages/core-tensor/package.json': {
        name: '@gen/core-tensor',
        dependencies: { '@gen/viz': 'workspace:^' },
      },
      'packages/viz/package.json': { name: '@gen/viz', dependencies: { '@gen/core-tensor': 'workspace:^' } },
    })
    expect(checkBoundaries(root).map((v) => `${v.from}->${v.to}`)).toEqual([
      '@gen/core-tensor->@gen/viz',
      '@gen/viz->@gen/core-tensor',
    ])
  })

  it('forbids published packages from depending on apps', () => {
    const root = workspace({
      'packages/core-tensor/package.json': {
        name: '@gen/core-tensor',
        devDependencies: { '@gen-app/cli': 'workspace:*' },
      },
      'apps/cli/package.json': { name: '@gen-app/cli' },
    })
    expect(checkBoundaries(root).map((v) => v.where)).toEqual(['devDependencies'])
  })

  it('passes on this repository', () => {
    expect(checkBoundaries(join(import.meta.dirname, '../../..'))).toEqual([])
  })
})
