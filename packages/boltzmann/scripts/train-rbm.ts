// Trains a Bernoulli RBM on stochastically binarised MNIST and writes the shipped weights.
// Run from packages/boltzmann:
//   pnpm train:rbm                        # 784×500, CD-1, lr 0.01, batch 100, 10 epochs, seed 0
//   pnpm train:rbm --method pcd --out-name rbm-500-pcd-mnist
// Training is the package's trainRbm (products on core-tensor's cpu backend); --threads 2 splits
// each matmul over two worker threads (@gen/core-tensor/node setCpuThreads).
// After every epoch the RBM is written (float32 safetensors, temporary name + rename) to
// weights/<out-name>.safetensors, so an interrupted run leaves the last finished epoch. One JSON
// line per epoch goes to stdout: reconstruction error and pseudo-log-likelihood on 1000 test images.
// The AIS likelihood is measured afterwards by scripts/evaluate-rbm.ts.
import { key } from '@gen/core-tensor'
import { setCpuThreads } from '@gen/core-tensor/node'
import { parseArgs } from 'node:util'
import {
  baseRateVisibleBiases,
  createRbm,
  initRbm,
  rbmHiddenProbabilities,
  rbmPseudoLikelihood,
  rbmVisibleProbabilities,
  trainRbm,
  type Rbm,
} from '../src/index'
import { writeRbmCheckpoint, writeRbmCheckpointSync } from './checkpoint-file'
import { binarizedMnist, TEST_BINARIZATION_SEED, TRAIN_BINARIZATION_SEED } from './mnist-protocol'

const { values } = parseArgs({
  options: {
    method: { type: 'string', default: 'cd' },
    hidden: { type: 'string', default: '500' },
    epochs: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '100' },
    'learning-rate': { type: 'string', default: '0.01' },
    // linear decay from --learning-rate to this over the run's steps (default: constant)
    'final-learning-rate': { type: 'string' },
    'weight-decay': { type: 'string', default: '0' },
    momentum: { type: 'string', default: '0' },
    chains: { type: 'string', default: '100' },
    'train-count': { type: 'string', default: '60000' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'weights' },
    'out-name': { type: 'string', default: 'rbm-500-mnist' },
    threads: { type: 'string', default: '1' },
    // 'base-rate' (Hinton 2010 §8, the shipped models) or 'zero' (b = 0, for comparison)
    'visible-bias-init': { type: 'string', default: 'base-rate' },
  },
})
await setCpuThreads(Number(values.threads))
const method = values.method === 'pcd' ? 'pcd' : 'cd'
const numHidden = Number(values.hidden)
const epochs = Number(values.epochs)
const batchSize = Number(values['batch-size'])
const learningRate = Number(values['learning-rate'])
const finalLearningRate =
  values['final-learning-rate'] === undefined ? undefined : Number(values['final-learning-rate'])
const weightDecay = Number(values['weight-decay'])
const momentum = Number(values.momentum)
const numChains = Number(values.chains)
const trainCount = Number(values['train-count'])
const seed = Number(values.seed)
const path = `${values.out}/${values['out-name']}.safetensors`

const { train, test } = await binarizedMnist()
const V = 784
const data = train.values.subarray(0, trainCount * V)
const probe = test.values.subarray(0, 1000 * V)
// W ~ N(0, 0.01²), hidden biases 0, visible biases at the log-odds of the pixel means
// (Hinton 2010, "A practical guide", §8), smoothed by λ = 0.01 so never-on pixels stay finite
const init = initRbm({ numVisible: V, numHidden }, { key: key(seed), initScale: 0.01 })
const zeroVisibleBias = values['visible-bias-init'] === 'zero'
const initial = zeroVisibleBias
  ? init
  : createRbm({ ...init, visibleBias: baseRateVisibleBiases(data, V, { smoothing: 0.01 }) })
const settings = {
  method: method === 'cd' ? 'CD-1' : `PCD-1 (${numChains} chains)`,
  numVisible: V,
  numHidden,
  epochs,
  batchSize,
  learningRate,
  finalLearningRate: finalLearningRate ?? learningRate,
  momentum,
  weightDecay,
  trainCount,
  seed,
  initScale: 0.01,
  visibleBiasInit: zeroVisibleBias ? 'zero' : 'base-rate log-odds, smoothing 0.01',
  binarization: `stochastic, train key(${TRAIN_BINARIZATION_SEED}), test key(${TEST_BINARIZATION_SEED})`,
}
console.log(JSON.stringify(settings))

function probeMetrics(rbm: Rbm): { reconstructionError: number; pseudoLogLikelihood: number } {
  const p = rbmVisibleProbabilities(rbm, rbmHiddenProbabilities(rbm, probe))
  let se = 0
  for (let n = 0; n < probe.length; n++) se += (probe[n] - p[n]) ** 2
  const pl = rbmPseudoLikelihood(rbm, probe)
  return { reconstructionError: se / 1000, pseudoLogLikelihood: pl.reduce((a, b) => a + b, 0) / pl.length }
}

const metadata = (pseudoLogLikelihood: number, epochsDone: number): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
  epochsDone: String(epochsDone),
  probePseudoLogLikelihood: pseudoLogLikelihood.toFixed(3),
  command: `pnpm train:rbm ${process.argv.slice(2).join(' ')}`.trim(),
})

let lastPseudoLogLikelihood = Number.NaN
const started = performance.now()
const result = trainRbm(initial, data, {
  method,
  numEpochs: epochs,
  batchSize,
  learningRate:
    finalLearningRate === undefined
      ? learningRate
      : { kind: 'linear', initial: learningRate, final: finalLearningRate },
  momentum,
  weightDecay,
  numChains,
  key: key(seed + 1),
  monitorSize: 0,
  onEpoch: ({ epoch, seconds }, rbm) => {
    const m = probeMetrics(rbm)
    const imagesPerSecond = (Math.floor(trainCount / batchSize) * batchSize) / seconds
    console.log(
      JSON.stringify({
        epoch,
        seconds: Number(seconds.toFixed(1)),
        imagesPerSecond: Number(imagesPerSecond.toFixed(0)),
        probeReconstructionError: Number(m.reconstructionError.toFixed(3)),
        probePseudoLogLikelihood: Number(m.pseudoLogLikelihood.toFixed(3)),
      }),
    )
    lastPseudoLogLikelihood = m.pseudoLogLikelihood
    writeRbmCheckpointSync(path, createRbm(rbm), {
      dtype: 'F32',
      metadata: metadata(m.pseudoLogLikelihood, epoch),
    })
  },
})
await writeRbmCheckpoint(path, result.rbm, {
  dtype: 'F32',
  metadata: metadata(lastPseudoLogLikelihood, epochs),
})
const totalSeconds = (performance.now() - started) / 1000
console.log(JSON.stringify({ done: path, totalSeconds: Number(totalSeconds.toFixed(1)) }))
await setCpuThreads(1)
