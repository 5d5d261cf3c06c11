// `pnpm bench [--filter TEXT] [--time MS] [--json FILE]`: runs the registered suites, prints
// the table of medians and ratios, and writes the results as JSON.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname } from 'node:path'
import { Command } from 'commander'
import { formatTable, runSuites } from './harness.ts'
import { allSuites } from './suites/index.ts'

const program = new Command('bench')
  .description('Run gen benchmarks side by side with reference libraries')
  .option('-f, --filter <text>', 'only suites whose group or name contains this text')
  .option('-t, --time <ms>', 'minimum measuring time per candidate, ms', '1000')
  .option('--json <file>', 'write results as JSON to this file', 'results/latest.json')
  .parse()

const options = program.opts<{ filter?: string; time: string; json: string }>()
const timeMs = Number(options.time)
if (!Number.isFinite(timeMs) || timeMs <= 0) {
  console.error(`bench: --time must be a positive number of ms, got ${options.time}`)
  process.exit(2)
}
const suites = allSuites().filter(
  (s) => !options.filter || `${s.group} ${s.name}`.toLowerCase().includes(options.filter.toLowerCase()),
)
if (suites.length === 0) {
  console.error(`bench: no suite matches --filter ${options.filter ?? ''}`)
  process.exit(2)
}
const cpu = cpus()[0]?.model ?? 'unknown cpu'
console.log(`gen bench: ${suites.length} suite(s) on ${cpu}, ${cpus().length} cores, node ${process.version}`)
const results = await runSuites(suites, {
  timeMs,
  onResult: (r) =>
    console.log(`  ${r.group} / ${r.name} / ${r.library}: ${r.medianMs?.toFixed(3) ?? r.skipped} ms`),
})
console.log(`\n${formatTable(results)}`)
const payload = { date: new Date().toISOString(), cpu, cores: cpus().length, node: process.version, results }
mkdirSync(dirname(options.json), { recursive: true })
writeFileSync(`${options.json}.tmp`, `${JSON.stringify(payload, null, 2)}\n`)
renameSync(`${options.json}.tmp`, options.json)
console.log(`\nwrote ${options.json}`)
