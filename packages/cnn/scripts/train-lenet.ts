// Trains LeNet-5 on MNIST and writes the shipped weights. Run from packages/cnn:
//   pnpm train:lenet --variant modern --epochs 10 --seed 0
// Every epoch: a resumable checkpoint (weights/lenet5-<variant>.checkpoint.safetensors,
// written to a temporary name and renamed); at the end: weights/lenet5-<variant>-mnist.safetensors
// (weights only). `--resume` continues from the checkpoint exactly.
import { key } from '@gen/core-tensor'
import { cosineSchedule } from '@gen/core-tensor/optim'
import { loadMnist } from '@gen/datasets/node'
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { initSequential, lenet5Config, toImageDataset, trainClassifier } from '../src/index'
import { readCheckpoint, writeCheckpoint } from '../src/node/index'

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'modern' },
    epochs: { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' },
    'batch-size': { type: 'string', default: '64' },
    'learning-rate': { type: 'string', default: '0.001' },
    'max-shift': { type: 'string', default: '2' },
    'train-count': { type: 'string', default: '60000' },
    out: { type: 'string', default: 'weights' },
    resume: { type: 'boolean', default: false },
  },
})
const variant = values.variant === 'classic' ? 'classic' : 'modern'
const epochs = Number(values.epochs)
const seed = Number(values.seed)
const batchSize = Number(values['batch-size'])
const maxShift = Number(values['max-shift'])
const mean = 0.1307
const std = 0.3081
const { train, test } = await loadMnist()
const trainData = toImageDataset(train, { count: Number(values['train-count']), mean, std })
const testData = toImageDataset(test, { mean, std })
const config = lenet5Config({ variant })
const [initKey, runKey] = [key(seed), key(seed + 1)]
const stepsPerEpoch = Math.floor(trainData.labels.shape[0] / batchSize)
const learningRate = cosineSchedule({
  initial: Number(values['learning-rate']),
  decaySteps: epochs * stepsPerEpoch,
  alpha: 0.01,
})
const checkpointPath = `${values.out}/lenet5-${variant}.checkpoint.safetensors`
const resume = values.resume && existsSync(checkpointPath) ? await readCheckpoint(checkpointPath) : undefined
console.log(
  JSON.stringify({
    variant,
    epochs,
    seed,
    batchSize,
    maxShift,
    learningRate: values['learning-rate'],
    schedule: 'cosine, alpha 0.01',
    mean,
    std,
    trainCount: trainData.labels.shape[0],
    resumeStep: resume?.step ?? 0,
  }),
)
const started = Date.now()
const result = await trainClassifier({
  config,
  params: resume === undefined ? initSequential(config, { key: initKey }) : undefined,
  resume,
  data: trainData,
  evalData: testData,
  epochs,
  batchSize,
  learningRate,
  key: runKey,
  maxShift,
  shiftFill: -mean / std,
  logEvery: 200,
  onProgress: (p) => {
    const parts = [
      p.phase,
      `epoch ${p.epoch + 1}`,
      `step ${p.step}`,
      `loss ${p.loss.toFixed(4)}`,
      `train acc ${(100 * p.accuracy).toFixed(2)}%`,
      `${p.imagesPerSecond.toFixed(0)} img/s`,
      `lr ${p.learningRate.toExponential(2)}`,
      `t ${p.elapsedSeconds.toFixed(0)} s`,
    ]
    if (p.evalAccuracy !== undefined)
      parts.push(`test acc ${(100 * p.evalAccuracy).toFixed(2)}%`, `test loss ${p.evalLoss?.toFixed(4)}`)
    console.log(parts.join(' | '))
  },
  onCheckpoint: (c) => writeCheckpoint(checkpointPath, c),
})
const last = result.history.at(-1)
await writeCheckpoint(`${values.out}/lenet5-${variant}-mnist.safetensors`, result.checkpoint, {
  includeOptimizer: false,
  metadata: {
    command: `pnpm train:lenet --variant ${variant} --epochs ${epochs} --seed ${seed}`,
    testAccuracy: String(last?.evalAccuracy ?? ''),
    normalisation: JSON.stringify({ mean, std }),
  },
})
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s, test accuracy ${last?.evalAccuracy}`)
