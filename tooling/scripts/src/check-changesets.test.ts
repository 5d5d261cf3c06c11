import { describe, expect, it } from 'vitest'
import { isShippedSource, parseChangesetPackages, uncoveredPackages } from './check-changesets.ts'

const packageNames = new Map([
  ['packages/ising', '@gen/ising'],
  ['packages/viz', '@gen/viz'],
])

describe('check-changesets', () => {
  it('counts shipped sources only, not tests or fixtures', () => {
    expect(isShippedSource('packages/ising/src/energy.ts')).toBe(true)
    expect(isShippedSource('packages/ising/src/energy.test.ts')).toBe(false)
    expect(isShippedSource('packages/ising/src/__fixtures__/a.golden.json')).toBe(false)
    expect(isShippedSource('packages/ising/README.md')).toBe(false)
    expect(isShippedSource('apps/cli/src/main.ts')).toBe(false)
  })

  it('reads package names from changeset frontmatter', () => {
    const text = '---\n"@gen/ising": minor\n\'@gen/viz\': patch\n---\n\nAdd Wolff updates.\n'
    expect(parseChangesetPackages(text)).toEqual(['@gen/ising', '@gen/viz'])
    expect(parseChangesetPackages('no frontmatter')).toEqual([])
  })

  it('reports a changed package without a changeset', () => {
    expect(
      uncoveredPackages({
        changedPaths: ['packages/ising/src/wolff.ts', 'packages/viz/src/png.test.ts', 'README.md'],
        coveredPackages: new Set(),
        packageNames,
      }),
    ).toEqual(['@gen/ising'])
    expect(
      uncoveredPackages({
        changedPaths: ['packages/ising/src/wolff.ts'],
        coveredPackages: new Set(['@gen/ising']),
        packageNames,
      }),
    ).toEqual([])
  })
})
