// The few-step benchmark of issue 11: on 8 Gaussians, plain Euler on a flow-matching model
// (the first flow) against the reflowed (2-rectified) flow and Inductive Moment Matching at
// 1, 2, 4 and 8 steps, by the energy distance (V-statistic, as scripts/toy-bench.ts) of 5000
// samples to 5000 fresh data points. Issue targets: at most 0.087 with 2 steps (plain Euler
// 0.208) and at most 0.009 with 4 (plain 0.0129) for IMM or the reflowed flow.
//
//   pnpm --filter @gen/diffusion few-step [-- --steps 5000 --hidden 128x128x128 --eval 5000
//                                             --couplings 20000 --ddim --out few-step.json]
//
// `--ddim` adds DDIM (eta 0) on a DDPM of the same size and training (epsilon-prediction, cosine
// schedule over 100 steps) at the same step counts.
//
// Defaults are the full form of test/few-step.test.ts (GEN_TEST_FULL=1); `--steps 1000
// --hidden 64x64x64 --eval 2000 --couplings 10000 --coupling-steps 20` is its reduced form.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runFewStep } from '../test/few-step'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '5000' },
    hidden: { type: 'string', default: '128x128x128' },
    eval: { type: 'string', default: '5000' },
    couplings: { type: 'string', default: '20000' },
    'coupling-steps': { type: 'string', default: '50' },
    lr: { type: 'string', default: '3e-3' },
    'mapping-k': { type: 'string', default: '12' },
    ddim: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
})

const steps = Number(values.steps)
const cpuStart = process.cpuUsage()
const result = await runFewStep({
  hidden: values.hidden.split('x').map(Number),
  flowSteps: steps,
  reflowSteps: steps,
  immSteps: steps,
  couplings: Number(values.couplings),
  couplingSteps: Number(values['coupling-steps']),
  batchSize: 256,
  learningRate: Number(values.lr),
  evalCount: Number(values.eval),
  stepCounts: [1, 2, 4, 8],
  imm: { mappingK: Number(values['mapping-k']) },
  ddim: values.ddim,
  onLog: (line) => console.log(line),
})
const cpu = process.cpuUsage(cpuStart)
const targets: Record<number, number> = { 2: 0.087, 4: 0.009 }
console.log(
  `\nsteps | Euler (first flow) | reflow (2-rectified) | IMM     |${values.ddim ? ' DDIM    |' : ''} issue target`,
)
for (const row of result.rows) {
  const target = targets[row.numSteps]
  const best = Math.min(row.reflow, row.imm)
  const verdict = target === undefined ? '' : `${target} ${best <= target ? 'met' : 'MISSED'}`
  console.log(
    `${String(row.numSteps).padStart(5)} | ${row.euler.toFixed(5).padStart(18)} | ${row.reflow.toFixed(5).padStart(20)} | ${row.imm.toFixed(5)} |${row.ddim === undefined ? '' : ` ${row.ddim.toFixed(5)} |`} ${verdict}`,
  )
}
console.log(
  `first flow Heun-50 ${result.firstFlowOde.toFixed(5)}, exact-vs-exact floor ${result.exactFloor.toFixed(5)}; ` +
    `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`,
)
if (values.out !== undefined)
  writeFileSync(values.out, `${JSON.stringify({ settings: values, ...result }, null, 1)}\n`)
