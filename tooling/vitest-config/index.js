// Shared vitest preset. Tests read sibling packages' src through the `@gen/source` export
// condition, so no build is needed before testing (vitest needs the condition both in
// `resolve` and in the ssr environment, where node-side tests resolve).
import { defineConfig, mergeConfig } from 'vitest/config'

const conditions = ['@gen/source', 'module', 'node', 'import', 'default']

/**
 * Tag every long statistical or training test `slow`:
 * `test('name', { tags: ['slow'] }, () => ...)`. In CI such tests run in their reduced form;
 * `GEN_TEST_FULL=1` asks for the full one (see `isFullRun`).
 */
export const tags = [
  {
    name: 'slow',
    description: 'Long statistical or training check; reduced form unless GEN_TEST_FULL=1.',
    timeout: 600_000,
  },
  { name: 'browser', description: 'Needs headless Chromium.', timeout: 120_000 },
  { name: 'gpu', description: 'Needs a GPU adapter (software or real).', timeout: 300_000 },
]

/** @param {import('vitest/config').ViteUserConfig} [overrides] */
export function genVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      environments: { ssr: { resolve: { conditions } } },
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        tags,
        // a guard against hangs, not a speed check: CI runs every package's tests at once on 2
        // cores, and a 5 s test idle took over 30 s there with the machine shared
        testTimeout: 120_000,
        reporters: process.env.CI ? ['dot', 'json'] : ['default', 'json'],
        outputFile: { json: 'test-results/vitest.json' },
        pool: 'forks',
        passWithNoTests: true,
      },
    }),
    overrides,
  )
}

/** True when the full (benchmark-sized) form of slow tests was asked for. */
export function isFullRun() {
  return process.env.GEN_TEST_FULL === '1'
}
