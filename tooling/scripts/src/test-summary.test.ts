import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPackageCounts, skippedLine, summaryLine } from './test-summary.ts'

function withReport(report: unknown): string {
  const root = mkdtempSync(join(tmpdir(), 'gen-summary-'))
  mkdirSync(join(root, 'packages/a/test-results'), { recursive: true })
  if (report !== undefined)
    writeFileSync(join(root, 'packages/a/test-results/vitest.json'), JSON.stringify(report))
  return root
}

describe('test summary', () => {
  it('sums passed, failed and skipped tests into the closing line', () => {
    const root = withReport({ numPassedTests: 7, numFailedTests: 2, numPendingTests: 1, numTodoTests: 0 })
    const counts = readPackageCounts(root, 'packages/a')
    expect(counts).toMatchObject({ passed: 7, failed: 2, skipped: 1 })
    // the closing line keeps exactly the form CI parses; skips get their own line
    expect(summaryLine([counts, { dir: 'b', passed: 3, failed: 0, skipped: 0 }])).toBe(
      'tests: 10 passed, 2 failed',
    )
    expect(skippedLine([counts, { dir: 'b', passed: 3, failed: 0, skipped: 0 }])).toBe('skipped: 1')
    expect(summaryLine([{ dir: 'b', passed: 3, failed: 0, skipped: 0 }])).toBe('tests: 3 passed, 0 failed')
    expect(skippedLine([{ dir: 'b', passed: 3, failed: 0, skipped: 0 }])).toBeNull()
  })

  it('counts a package without a report as a failure, so a crash cannot pass', () => {
    const counts = readPackageCounts(withReport(undefined), 'packages/a')
    expect(counts.failed).toBe(1)
    expect(counts.problem).toMatch(/no test report/)
  })

  it('counts a suite that failed to load as a failure', () => {
    const counts = readPackageCounts(
      withReport({ numPassedTests: 0, numFailedTests: 0, numFailedTestSuites: 1 }),
      'packages/a',
    )
    expect(counts.failed).toBe(1)
  })
})
