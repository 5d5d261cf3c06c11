// Greedy training of a 784-500-500 deep belief network (Hinton, Osindero & Teh 2006) on top of a
// saved 784×500 RBM: trainDbn keeps that RBM as layer 1, maps the binarised training images
// through q(h₁ | v) (probabilities) and trains the 500×500 top RBM on them. Run from
// packages/boltzmann:
//   pnpm train:dbn --bottom weights/rbm-500-mnist.safetensors --method pcd --learning-rate 0.05 --final-learning-rate 0.0005
// Writes the top RBM (float32 safetensors, temporary name + rename) to
// weights/<out-name>.safetensors at the end; the DBN is [bottom, top] (scripts/score-rbm-samples.ts --top).
// One JSON line per epoch goes to stdout (reconstruction error and pseudo-likelihood estimate of
// the top RBM on 1000 of its training rows, as trainRbm's monitor reports them).
import { key } from '@gen/core-tensor'
import { setCpuThreads } from '@gen/core-tensor/node'
import { parseArgs } from 'node:util'
import { trainDbn } from '../src/index'
import { readRbmCheckpoint, writeRbmCheckpoint } from './checkpoint-file'
import { binarizedMnist } from './mnist-protocol'

const { values } = parseArgs({
  options: {
    bottom: { type: 'string', default: 'weights/rbm-500-mnist.safetensors' },
    hidden: { type: 'string', default: '500' },
    method: { type: 'string', default: 'pcd' },
    epochs: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '100' },
    'learning-rate': { type: 'string', default: '0.05' },
    'final-learning-rate': { type: 'string', default: '0.0005' },
    momentum: { type: 'string', default: '0' },
    chains: { type: 'string', default: '100' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'weights' },
    'out-name': { type: 'string', default: 'dbn-784-500-500-top' },
    threads: { type: 'string', default: '1' },
  },
})
await setCpuThreads(Number(values.threads))
const method = values.method === 'cd' ? 'cd' : 'pcd'
const numHidden = Number(values.hidden)
const epochs = Number(values.epochs)
const learningRate = Number(values['learning-rate'])
const finalLearningRate = Number(values['final-learning-rate'])
const path = `${values.out}/${values['out-name']}.safetensors`
const { rbm: bottom } = await readRbmCheckpoint(values.bottom)
const { train } = await binarizedMnist()
const settings = {
  layerSizes: [784, bottom.numHidden, numHidden],
  bottom: values.bottom,
  method: method === 'cd' ? 'CD-1' : `PCD-1 (${values.chains} chains)`,
  epochs,
  batchSize: Number(values['batch-size']),
  learningRate: `linear ${learningRate} → ${finalLearningRate}`,
  momentum: Number(values.momentum),
  seed: Number(values.seed),
  propagate: 'probabilities',
  initScale: 0.01,
}
console.log(JSON.stringify(settings))
const metadata = (epochsDone: number): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
  role: 'top RBM of a DBN whose layer 1 is the bottom checkpoint',
  epochsDone: String(epochsDone),
  command: `pnpm train:dbn ${process.argv.slice(2).join(' ')}`.trim(),
})
const started = performance.now()
const { dbn } = trainDbn(train.values, {
  layerSizes: settings.layerSizes,
  key: key(Number(values.seed)),
  pretrained: [bottom],
  layers: {
    method,
    numEpochs: epochs,
    batchSize: settings.batchSize,
    learningRate: { kind: 'linear', initial: learningRate, final: finalLearningRate },
    momentum: settings.momentum,
    numChains: Number(values.chains),
  },
  onEpoch: (layer, p) => {
    console.log(
      JSON.stringify({
        layer: layer + 1,
        epoch: p.epoch,
        seconds: Number(p.seconds.toFixed(1)),
        learningRate: Number(p.learningRate.toPrecision(3)),
        reconstructionError: Number(p.reconstructionError.toFixed(3)),
        pseudoLikelihood: Number(p.pseudoLikelihood.toFixed(3)),
        meanHiddenActivity: Number(p.meanHiddenActivity.toFixed(4)),
      }),
    )
  },
})
const top = dbn.layers[1]
await writeRbmCheckpoint(path, top, { dtype: 'F32', metadata: metadata(epochs) })
const totalSeconds = (performance.now() - started) / 1000
console.log(JSON.stringify({ done: path, totalSeconds: Number(totalSeconds.toFixed(1)) }))
await setCpuThreads(1)
