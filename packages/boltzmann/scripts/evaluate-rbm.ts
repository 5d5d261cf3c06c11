// AIS test log-likelihood of a saved RBM. Run from packages/boltzmann:
//   pnpm evaluate:rbm --checkpoint weights/rbm-500-mnist.safetensors --runs 100 --schedule salakhutdinov-murray --workers 2
// Base-rate model: visible biases from the binarised training set (smoothing 0.05). The runs
// are keyed by index (key(--seed), run m → fold(key, m)), so --workers W splits them over W
// child processes with identical results to one process. Prints one JSON line with ln Ẑ, its
// standard error, the ±3σ band, the ESS, the stochastic lower bound, the test log-likelihood in
// nats (10,000 test images, stochastic binarisation key(9002)), the wall time and the machine's
// load averages at the end. --threads T splits each of AIS's matmuls over T threads instead
// (@gen/core-tensor/node setCpuThreads), in one process.
import { key } from '@gen/core-tensor'
import { setCpuThreads } from '@gen/core-tensor/node'
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import {
  baseRateVisibleBiases,
  combineAisResults,
  rbmAis,
  rbmAverageLogLikelihood,
  type RbmAisResult,
} from '../src/index'
import { readRbmCheckpoint } from './checkpoint-file'
import { binarizedMnist } from './mnist-protocol'

const { values } = parseArgs({
  options: {
    checkpoint: { type: 'string', default: 'weights/rbm-500-mnist.safetensors' },
    runs: { type: 'string', default: '100' },
    schedule: { type: 'string', default: 'salakhutdinov-murray' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    'first-run': { type: 'string', default: '0' },
    part: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
  },
})
await setCpuThreads(Number(values.threads))
const numRuns = Number(values.runs)
const schedule =
  values.schedule === 'salakhutdinov-murray'
    ? 'salakhutdinov-murray'
    : { numTemperatures: Number(values.schedule) }
const workers = Number(values.workers)
const { rbm } = await readRbmCheckpoint(values.checkpoint)
const { train, test } = await binarizedMnist()
const baseVisibleBias = baseRateVisibleBiases(train.values, rbm.numVisible, { smoothing: 0.05 })
const aisKey = key(Number(values.seed))

if (values.part) {
  // a child: compute runs [first-run, first-run + runs) and print their log-weights
  const result = rbmAis(rbm, {
    key: aisKey,
    numRuns,
    firstRun: Number(values['first-run']),
    schedule,
    baseVisibleBias,
  })
  process.stdout.write(JSON.stringify(Array.from(result.logWeights)))
} else {
  const started = Date.now()
  let ais: RbmAisResult
  if (workers <= 1) {
    ais = rbmAis(rbm, { key: aisKey, numRuns, schedule, baseVisibleBias })
  } else {
    const per = Math.ceil(numRuns / workers)
    const parts = await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const first = w * per
        const count = Math.min(per, numRuns - first)
        const args = [
          ...process.execArgv,
          process.argv[1],
          ...process.argv.slice(2).filter((a, i, all) => a !== '--workers' && all[i - 1] !== '--workers'),
          '--part',
          '--first-run',
          String(first),
          '--runs',
          String(count),
        ]
        return new Promise<number[]>((resolve, reject) => {
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
          let out = ''
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
          child.on('error', reject)
          child.on('close', (code) =>
            code === 0
              ? resolve(JSON.parse(out) as number[])
              : reject(new Error(`worker ${w} exited ${code}`)),
          )
        })
      }),
    )
    // the children's results as forward results of this schedule, pooled
    const template = rbmAis(rbm, {
      key: aisKey,
      numRuns: 2,
      schedule: { numTemperatures: 2 },
      baseVisibleBias,
    })
    const numTemperatures = schedule === 'salakhutdinov-murray' ? 14501 : schedule.numTemperatures
    ais = combineAisResults(
      parts.map((logWeights) => ({
        ...template,
        numTemperatures,
        logWeights: Float64Array.from(logWeights),
      })),
    )
  }
  const seconds = (Date.now() - started) / 1000
  const ll = rbmAverageLogLikelihood(rbm, test, { ais })
  console.log(
    JSON.stringify({
      checkpoint: values.checkpoint,
      numRuns: ais.numRuns,
      numTemperatures: ais.numTemperatures,
      workers,
      threads: Number(values.threads),
      logZ: Number(ais.logZ.toFixed(3)),
      logZStdErr: Number(ais.logZStdErr.toFixed(3)),
      logZInterval: [Number(ais.logZInterval.lower.toFixed(3)), Number(ais.logZInterval.upper.toFixed(3))],
      effectiveSampleSize: Number(ais.effectiveSampleSize.toFixed(2)),
      stochasticLowerBound: Number(ais.stochasticLowerBound.toFixed(3)),
      testLogLikelihood: Number(ll.nats.toFixed(3)),
      testLogLikelihoodUpperFromLowerBound: Number(
        (-ll.meanFreeEnergy - ais.stochasticLowerBound).toFixed(3),
      ),
      protocol: ll.protocol,
      seconds: Number(seconds.toFixed(1)),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    }),
  )
}
await setCpuThreads(1)
