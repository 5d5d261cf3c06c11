import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { listWorkspacePackages } from './workspace.ts'

/** Counts from one package's vitest JSON report. */
export interface PackageTestCounts {
  dir: string
  passed: number
  failed: number
  skipped: number
  /** Why the counts are missing or incomplete (no report, unreadable report). */
  problem?: string
}

interface VitestJsonReport {
  numPassedTests?: number
  numFailedTests?: number
  numPendingTests?: number
  numTodoTests?: number
  numFailedTestSuites?: number
}

export const reportPath = 'test-results/vitest.json'

/**
 * Reads the vitest JSON report of one package. A package that has a `test` script but no
 * report crashed before its runner finished: it counts as one failure, so a broken package
 * can never pass by reporting nothing. Suites that failed to load (a syntax error, an import
 * that throws) count as failures too.
 */
export function readPackageCounts(root: string, dir: string): PackageTestCounts {
  const file = join(root, dir, reportPath)
  if (!existsSync(file))
    return { dir, passed: 0, failed: 1, skipped: 0, problem: 'no test report (the test run crashed?)' }
  let report: VitestJsonReport
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport
  } catch (error) {
    return { dir, passed: 0, failed: 1, skipped: 0, problem: `unreadable report: ${String(error)}` }
  }
  const failedTests = report.numFailedTests ?? 0
  // A suite that failed to load has no failed tests inside it, so count the suite itself.
  const failedSuites = failedTests === 0 ? (report.numFailedTestSuites ?? 0) : 0
  return {
    dir,
    passed: report.numPassedTests ?? 0,
    failed: failedTests + failedSuites,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  }
}

/** Packages that run tests: those with a `test` script. */
export function testedPackageDirs(root: string): string[] {
  return listWorkspacePackages(root)
    .filter((p) => typeof (p.manifest.scripts as Record<string, string> | undefined)?.test === 'string')
    .map((p) => p.dir)
}

/**
 * Sums per-package counts into the one closing line CI reads, exactly
 * `tests: N passed, M failed` (skipped tests are reported on their own line, see
 * {@link skippedLine}, so the closing line keeps the form CI parses).
 */
export function summaryLine(counts: PackageTestCounts[]): string {
  const passed = counts.reduce((s, c) => s + c.passed, 0)
  const failed = counts.reduce((s, c) => s + c.failed, 0)
  return `tests: ${passed} passed, ${failed} failed`
}

/** `skipped: K` when any test was skipped (printed before the closing line), else null. */
export function skippedLine(counts: PackageTestCounts[]): string | null {
  const skipped = counts.reduce((s, c) => s + c.skipped, 0)
  return skipped > 0 ? `skipped: ${skipped}` : null
}
