/**
 * The benchmark harness. A suite names a case (`matmul 1024`) and several candidates that do
 * the same work: gen's implementation(s) and, where one exists, a reference library, all run in
 * the same process and the same run, so the machine's load affects them alike. The report gives
 * each candidate's median time, its throughput when the case says how much work one iteration
 * does, and its speed as a ratio to the suite's baseline candidate.
 */
import { Bench } from 'tinybench'

/** One implementation of a benchmark case. */
export interface Candidate {
  /** Who runs it: `gen-cpu`, `tfjs-wasm`, `plain-js`... */
  library: string
  /**
   * Prepares inputs outside the timed region; its result is passed to `run`. If it throws,
   * the candidate is reported as skipped with the error's message (a backend it needs is
   * missing here) and the other candidates still run.
   */
  setup?: () => unknown
  /** The timed work. May be async (GPU readback). */
  run: (state: unknown) => unknown
  /** Frees what setup made. */
  teardown?: (state: unknown) => void | Promise<void>
}

/** A benchmark case with its candidates. */
export interface Suite {
  /** Group, e.g. `core-tensor`, `ising`. `--filter` matches group and name. */
  group: string
  /** Case name, e.g. `matmul 1024`. */
  name: string
  /** Work per iteration, to print a throughput (e.g. `2 n^3` flops for matmul). */
  work?: { amount: number; unit: string }
  /** Library whose median is the denominator of the ratios; defaults to the last candidate. */
  baseline?: string
  /** A candidate is skipped (reported with the reason) when it cannot load here. */
  candidates: (Candidate | { library: string; unavailable: string })[]
}

/** The measured result of one candidate of one suite. */
export interface CandidateResult {
  group: string
  name: string
  library: string
  /** Median time per iteration, milliseconds. */
  medianMs?: number
  /** Iterations measured. */
  samples?: number
  /** `work.amount / median`, in `work.unit` per second. */
  throughput?: number
  throughputUnit?: string
  /** baseline median / this median: > 1 means faster than the baseline. */
  ratio?: number
  baseline: string
  /** Why it did not run. */
  skipped?: string
}

/** Options for one harness run. */
export interface RunOptions {
  /** Minimum measuring time per candidate, milliseconds. */
  timeMs?: number
  /** Minimum iterations per candidate. */
  iterations?: number
  /** Warm-up time, milliseconds. */
  warmupMs?: number
  /** Called after each candidate, for progress. */
  onResult?: (result: CandidateResult) => void
}

/** Fills in throughput and ratios once every candidate of a suite has a median. */
export function withRatios(suite: Suite, results: CandidateResult[]): CandidateResult[] {
  const baseline = suite.baseline ?? suite.candidates.at(-1)!.library
  const base = results.find((r) => r.library === baseline)?.medianMs
  return results.map((r) => {
    if (r.medianMs === undefined) return { ...r, baseline }
    const out: CandidateResult = { ...r, baseline }
    if (suite.work) {
      out.throughput = suite.work.amount / (r.medianMs / 1000)
      out.throughputUnit = `${suite.work.unit}/s`
    }
    if (base !== undefined) out.ratio = base / r.medianMs
    return out
  })
}

/** Runs the suites one candidate at a time and returns every result. */
export async function runSuites(suites: Suite[], options: RunOptions = {}): Promise<CandidateResult[]> {
  const all: CandidateResult[] = []
  for (const suite of suites) {
    const results: CandidateResult[] = []
    for (const candidate of suite.candidates) {
      const head = { group: suite.group, name: suite.name, library: candidate.library, baseline: '' }
      if ('unavailable' in candidate) {
        results.push({ ...head, skipped: candidate.unavailable })
        continue
      }
      let state: unknown
      try {
        state = await candidate.setup?.()
      } catch (error) {
        // a setup that finds its backend missing (no GPU adapter, say) skips, with the reason
        results.push({
          ...head,
          skipped: `unavailable: ${error instanceof Error ? error.message : String(error)}`,
        })
        continue
      }
      const bench = new Bench({
        time: options.timeMs ?? 1000,
        iterations: options.iterations ?? 5,
        warmupTime: options.warmupMs ?? 200,
        warmupIterations: 1,
      })
      bench.add(candidate.library, () => candidate.run(state))
      await bench.run()
      const task = bench.tasks[0]
      const result = task.result
      if (result.state !== 'completed' || result.latency.samplesCount === 0) {
        const error = result.state === 'errored' ? String(result.error) : `state ${result.state}`
        results.push({ ...head, skipped: `failed: ${error}` })
      } else {
        results.push({ ...head, medianMs: result.latency.p50, samples: result.latency.samplesCount })
      }
      await candidate.teardown?.(state)
    }
    for (const r of withRatios(suite, results)) {
      all.push(r)
      options.onResult?.(r)
    }
  }
  return all
}

function formatNumber(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G`
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)} k`
  return value.toFixed(2)
}

/** A plain-text table: group, case, library, median ms, throughput, ratio to the baseline. */
export function formatTable(results: CandidateResult[]): string {
  const rows = [['group', 'case', 'library', 'median ms', 'throughput', 'ratio', 'vs']]
  for (const r of results) {
    rows.push([
      r.group,
      r.name,
      r.library,
      r.medianMs === undefined ? `skipped: ${r.skipped ?? ''}` : r.medianMs.toFixed(3),
      r.throughput === undefined ? '' : `${formatNumber(r.throughput)}${r.throughputUnit ?? ''}`,
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
      r.baseline,
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
