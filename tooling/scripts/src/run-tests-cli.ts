// The README's test command: runs every workspace package's tests through turbo, then prints
// a per-package table and the one closing line `tests: N passed, M failed` summed over the
// whole workspace. Exits non-zero when anything failed or a package produced no report.
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { readPackageCounts, reportPath, skippedLine, summaryLine, testedPackageDirs } from './test-summary.ts'

const root = process.cwd()
const dirs = testedPackageDirs(root)
for (const dir of dirs) rmSync(join(root, dir, reportPath), { force: true })

const extra = process.argv.slice(2)
const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', ...extra], {
  cwd: root,
  stdio: 'inherit',
})

const counts = dirs.map((dir) => readPackageCounts(root, dir))
console.log('\npackage                     passed  failed  skipped')
for (const c of counts) {
  console.log(
    `${c.dir.padEnd(26)} ${String(c.passed).padStart(7)} ${String(c.failed).padStart(7)} ${String(c.skipped).padStart(8)}${c.problem ? `  (${c.problem})` : ''}`,
  )
}
const skipped = skippedLine(counts)
if (skipped !== null) console.log(skipped)
console.log(summaryLine(counts))
const failed = counts.some((c) => c.failed > 0) || turbo.status !== 0
process.exit(failed ? 1 : 0)
