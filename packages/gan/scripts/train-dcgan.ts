// Trains a DCGAN on MNIST and writes the shipped generator. Run from packages/gan:
//   pnpm train:dcgan --steps 1500 --seed 0
// Every --checkpoint-every steps: a resumable checkpoint (weights/dcgan-mnist.checkpoint.safetensors,
// written to a temporary name and renamed) and a sample sheet (weights/samples-<step>.png); at the
// end: weights/dcgan-mnist.safetensors (generator, its batch-norm state and EMA; no discriminator),
// scored with the shipped LeNet-5 of @gen/cnn. `--resume` continues from the checkpoint exactly.
import { fromArray, key, noGrad, tidy } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, imageGrid } from '@gen/viz'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { type DcganConfig, generate, initGan, sampleImages, sampleLatent, trainGan } from '../src/index'
import { readGanCheckpoint, writeGanCheckpoint } from '../src/node/index'
import { featureFit, loadLenet, realImages, scoreSamples } from '../test/mnist-metrics'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1500' },
    seed: { type: 'string', default: '0' },
    width: { type: 'string', default: '16' },
    'latent-dim': { type: 'string', default: '64' },
    'batch-size': { type: 'string', default: '64' },
    'learning-rate': { type: 'string', default: '0.0002' },
    'ema-decay': { type: 'string', default: '0.995' },
    'checkpoint-every': { type: 'string', default: '100' },
    'eval-count': { type: 'string', default: '10000' },
    conditional: { type: 'boolean', default: false },
    out: { type: 'string', default: 'weights' },
    resume: { type: 'boolean', default: false },
  },
})
const steps = Number(values.steps)
const seed = Number(values.seed)
const batchSize = Number(values['batch-size'])
const learningRate = Number(values['learning-rate'])
const emaDecay = Number(values['ema-decay'])
const evalCount = Number(values['eval-count'])
const config: DcganConfig = {
  kind: 'dcgan',
  latentDim: Number(values['latent-dim']),
  width: Number(values.width),
  discriminatorNorm: 'batch',
  ...(values.conditional ? { numClasses: 10 } : {}),
}
const name = values.conditional ? 'cdcgan-mnist' : 'dcgan-mnist'
const { train, test } = await loadMnist()
const data = realImages(train.images, 0, train.count)
const labels = fromArray(Int32Array.from(train.labels), { dtype: 'int32' })
const checkpointPath = `${values.out}/${name}.checkpoint.safetensors`
const resumed =
  values.resume && existsSync(checkpointPath)
    ? (await readGanCheckpoint(checkpointPath)).checkpoint
    : undefined
const settings = {
  config,
  steps,
  seed,
  batchSize,
  objective: 'non-saturating',
  adam: { learningRate, beta1: 0.5, beta2: 0.999 },
  emaDecay,
  trainCount: train.count,
  resumeStep: resumed?.step ?? 0,
}
console.log(JSON.stringify(settings))
const sheetKey = key(seed + 7)
const sheetLabels = values.conditional
  ? fromArray(
      Int32Array.from({ length: 100 }, (_, i) => i % 10),
      { dtype: 'int32' },
    )
  : undefined
const writeSheet = async (
  file: string,
  generator: Parameters<typeof sampleImages>[1],
  state: Parameters<typeof sampleImages>[2]['state'],
) => {
  const sheet = sampleImages(config, generator, { key: sheetKey, count: 100, state, labels: sheetLabels })
  await writeFile(file, encodePng(imageGrid(sheet, { range: '0..1', columns: 10, scale: 2 })))
}
const started = Date.now()
const result = await trainGan({
  config,
  ...(resumed === undefined ? initGan(config, { key: key(seed) }) : { resume: resumed }),
  data,
  ...(values.conditional ? { labels } : {}),
  objective: 'non-saturating',
  steps,
  batchSize,
  generatorOptimizer: settings.adam,
  discriminatorOptimizer: settings.adam,
  emaDecay,
  key: key(seed + 1),
  logEvery: 25,
  checkpointEvery: Number(values['checkpoint-every']),
  onProgress: (p) =>
    console.log(
      [
        `step ${p.step}`,
        `D loss ${p.discriminatorLoss.toFixed(4)}`,
        `G loss ${p.generatorLoss.toFixed(4)}`,
        `D(real) ${p.realOutput.toFixed(3)}`,
        `D(fake) ${p.fakeOutput.toFixed(3)}`,
        `|grad D| ${p.discriminatorGradNorm.toFixed(3)}`,
        `|grad G| ${p.generatorGradNorm.toFixed(3)}`,
        `${p.samplesPerSecond.toFixed(0)} samples/s`,
        `t ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ].join(' | '),
    ),
  onCheckpoint: async (c) => {
    await writeGanCheckpoint(checkpointPath, c)
    await writeSheet(
      `${values.out}/${name}-samples-${String(c.step).padStart(5, '0')}.png`,
      c.ema ?? c.params.generator,
      c.state.generator,
    )
  },
})
console.log(`trained in ${((Date.now() - started) / 1000).toFixed(0)} s`)

// Score: evalCount samples against evalCount real test images (equal sizes, case P21), for the
// raw generator and its EMA; real train vs real test as the floor.
const lenet = await loadLenet()
const real = featureFit(lenet, realImages(test.images, 0, evalCount))
const evalLabels = values.conditional ? Int32Array.from({ length: evalCount }, (_, i) => i % 10) : undefined
const draw = (generator: typeof result.params.generator) =>
  tidy(() =>
    noGrad(
      () =>
        generate(config, generator, sampleLatent(key(seed + 2), evalCount, config), {
          state: result.state.generator,
          ...(evalLabels === undefined ? {} : { labels: fromArray(evalLabels, { dtype: 'int32' }) }),
        }).samples,
    ),
  )
const scores = {
  generator: scoreSamples(lenet, draw(result.params.generator), real, evalLabels),
  ...(result.ema === undefined ? {} : { ema: scoreSamples(lenet, draw(result.ema), real, evalLabels) }),
  realTrainVsTest: scoreSamples(lenet, realImages(train.images, 0, evalCount), real),
}
console.log(JSON.stringify(scores))
await writeGanCheckpoint(`${values.out}/${name}.safetensors`, result.checkpoint, {
  includeTraining: false,
  metadata: {
    command: `pnpm train:dcgan --steps ${steps} --seed ${seed}${values.conditional ? ' --conditional' : ''}`,
    scores: JSON.stringify(scores),
  },
})
await writeSheet(
  `${values.out}/${name}-samples-final.png`,
  result.ema ?? result.params.generator,
  result.state.generator,
)
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
