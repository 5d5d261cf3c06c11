/**
 * Peak memory of LeNet-5 training (batch 64, Adam): gen cpu against tfjs-wasm, each in its
 * own child process so that peaks do not mix. Each child loads only its library, runs the
 * `lenet` suite's candidate (the same network, step and data as the timed benchmark) for
 * `--steps` steps, and reports `process.resourceUsage().maxRSS` (the kernel's peak resident
 * set, KiB) before setup and after the steps. The parent prints both peaks and gen / tfjs.
 *
 * Run: `cd apps/bench && nice npx tsx --conditions=@gen/source src/memory-lenet.ts --steps 200`
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { lenetSuites } from './suites/lenet.ts'
import type { Candidate } from './harness.ts'

const libraries = ['gen cpu', 'tfjs-wasm'] as const

interface ChildReport {
  library: string
  steps: number
  /** maxRSS (MiB) once the library is loaded, before the model and data are made. */
  loadedMiB: number
  /** maxRSS (MiB) after setup and all the steps: the peak of the run. */
  peakMiB: number
  /** Median step time, ms (only a cross-check: memory runs are not the timing bench). */
  medianStepMs: number
}

const mib = (): number => process.resourceUsage().maxRSS / 1024

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name)
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback
}

async function child(library: string, steps: number): Promise<void> {
  const suite = lenetSuites()[0]
  const candidate = suite.candidates.find((c) => c.library === library)
  if (candidate === undefined || !('run' in candidate)) throw new Error(`no runnable candidate ${library}`)
  const c: Candidate = candidate
  if (library === 'tfjs-wasm') {
    // Load tfjs before the first reading so "loaded" means the same thing for both.
    const { loadTfjs } = await import('./suites/tfjs.ts')
    await loadTfjs('wasm')
  }
  const loadedMiB = mib()
  const state = await c.setup?.()
  const times: number[] = []
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now()
    await c.run(state)
    times.push(performance.now() - t0)
  }
  const peakMiB = mib()
  await c.teardown?.(state)
  times.sort((a, b) => a - b)
  const report: ChildReport = {
    library,
    steps,
    loadedMiB,
    peakMiB,
    medianStepMs: times[times.length >> 1],
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

function parent(steps: number): void {
  const script = fileURLToPath(import.meta.url)
  const reports: ChildReport[] = []
  for (const library of libraries) {
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, script, '--child', library, '--steps', String(steps)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    )
    if (run.status !== 0) throw new Error(`${library} child exited with ${run.status}`)
    const line = run.stdout.trim().split('\n').pop()!
    reports.push(JSON.parse(line) as ChildReport)
  }
  console.log(`lenet-5 b64 adam, ${steps} steps, one child process per library`)
  console.log('library     loaded MiB  peak MiB  peak-loaded MiB  median step ms')
  for (const r of reports) {
    console.log(
      `${r.library.padEnd(10)}  ${r.loadedMiB.toFixed(1).padStart(10)}  ${r.peakMiB.toFixed(1).padStart(8)}  ${(r.peakMiB - r.loadedMiB).toFixed(1).padStart(15)}  ${r.medianStepMs.toFixed(1).padStart(14)}`,
    )
  }
  const [g, t] = reports
  console.log(
    `peak ratio gen / tfjs-wasm: ${(g.peakMiB / t.peakMiB).toFixed(2)}x; ` +
      `growth ratio (peak - loaded): ${((g.peakMiB - g.loadedMiB) / (t.peakMiB - t.loadedMiB)).toFixed(2)}x`,
  )
}

const steps = Number(argument('--steps', '200'))
if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${steps}`)
const which = argument('--child', '')
if (which === '') parent(steps)
else await child(which, steps)
