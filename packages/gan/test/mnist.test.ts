// DCGAN and conditional DCGAN on MNIST, scored with the shipped LeNet-5 of @gen/cnn
// (FD-LeNet on equal-size sets, case P21; the classifier score; the predicted-digit histogram
// and its entropy; for the conditional GAN, how often the requested digit comes out).
// Reduced form (CI): a narrow DCGAN (width 8, Adam 1e-3) for 120 steps on 10,000 images; it
// must have moved well away from its initial noise on FD-LeNet and the class spread. Full form
// (GEN_TEST_FULL=1, about two hours on an idle 2-core machine): the shipped recipes (width 16,
// 9000 DCGAN steps and 7000 conditional ones, scripts/train-dcgan.ts), 10k samples against the 10k test images: FD-LeNet
// below the shipped VAE's under the same protocol (184.6, packages/autoencoder/weights/README.md),
// every digit ≥ 3% and a class entropy above 2.2 nats; the conditional DCGAN's samples are the
// requested digit ≥ 90% of the time. The shipped weights (weights/README.md) are these recipes
// run in sittings with exact resumes; this form itself was last run with 1500 steps.
const vaeFrechetDistance = 184.6
import { isFullRun } from '@gen-tooling/vitest-config'
import { fromArray, key, noGrad, type Tensor, type TensorTree, tidy } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { type DcganConfig, generate, initGan, sampleLatent, trainGan } from '../src/index'
import { loadLenet, realImages, scoreSamples } from './mnist-metrics'

const full = isFullRun()

function draw(
  config: DcganConfig,
  generator: TensorTree,
  state: TensorTree,
  count: number,
  labels?: Int32Array,
): Tensor {
  return tidy(() =>
    noGrad(
      () =>
        generate(config, generator, sampleLatent(key(99), count, config), {
          state,
          ...(labels === undefined ? {} : { labels: fromArray(labels, { dtype: 'int32' }) }),
        }).samples,
    ),
  )
}

async function conditionalAccuracy(): Promise<number | undefined> {
  const { train, test: testSet } = await loadMnist()
  const lenet = await loadLenet()
  const config: DcganConfig = {
    kind: 'dcgan',
    latentDim: 64,
    width: 16,
    discriminatorNorm: 'batch',
    numClasses: 10,
  }
  const adam = { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 }
  const result = await trainGan({
    config,
    ...initGan(config, { key: key(0) }),
    data: realImages(train.images, 0, train.count),
    labels: fromArray(Int32Array.from(train.labels), { dtype: 'int32' }),
    objective: 'non-saturating',
    steps: 7000,
    batchSize: 64,
    generatorOptimizer: adam,
    discriminatorOptimizer: adam,
    emaDecay: 0.995,
    key: key(1),
  })
  const requested = Int32Array.from({ length: 10000 }, (_, i) => i % 10)
  const scores = scoreSamples(
    lenet,
    draw(config, result.ema ?? result.params.generator, result.state.generator, 10000, requested),
    realImages(testSet.images, 0, 10000),
    requested,
  )
  console.log(JSON.stringify({ conditional: scores }))
  return scores.labelAccuracy
}

test(
  'DCGAN (and, in the full form, the conditional DCGAN) learns MNIST digits',
  { tags: ['slow'], timeout: full ? 4 * 3600_000 : 600_000 },
  async () => {
    const { train, test: testSet } = await loadMnist()
    const lenet = await loadLenet()
    const trainCount = full ? 60000 : 10000
    const evalCount = full ? 10000 : 1000
    const config: DcganConfig = {
      kind: 'dcgan',
      latentDim: full ? 64 : 32,
      width: full ? 16 : 8,
      discriminatorNorm: 'batch',
    }
    const init = initGan(config, { key: key(0) })
    const real = realImages(testSet.images, 0, evalCount)
    const before = scoreSamples(
      lenet,
      draw(config, init.params.generator, init.state.generator, evalCount),
      real,
    )
    const adam = { learningRate: full ? 2e-4 : 1e-3, beta1: 0.5, beta2: 0.999 }
    const result = await trainGan({
      config,
      ...init,
      data: realImages(train.images, 0, trainCount),
      objective: 'non-saturating',
      steps: full ? 9000 : 120,
      batchSize: full ? 64 : 32,
      generatorOptimizer: adam,
      discriminatorOptimizer: adam,
      emaDecay: full ? 0.995 : 0,
      key: key(1),
    })
    const after = scoreSamples(
      lenet,
      draw(config, result.ema ?? result.params.generator, result.state.generator, evalCount),
      real,
    )
    const floor = scoreSamples(lenet, realImages(train.images, 0, evalCount), real)
    console.log(JSON.stringify({ before, after, realTrainVsTest: floor, last: result.history.at(-1) }))
    // Measured (reduced form, 1000 vs 1000 images): FD-LeNet 1101 at init (every sample read
    // as an 8, entropy 0) → 723 after 120 steps, class entropy 1.43 nats (real train vs test at
    // this size: FD 19); keyed, so only float rounding moves it.
    expect(after.frechetDistance).toBeLessThan((full ? 0.1 : 0.8) * before.frechetDistance)
    expect(after.classEntropy).toBeGreaterThan(full ? 2.2 : 1)
    if (full) {
      expect(after.frechetDistance).toBeLessThan(vaeFrechetDistance)
      for (const f of after.classFractions) expect(f).toBeGreaterThanOrEqual(0.03)
      expect(after.classEntropy).toBeGreaterThan(2.2)
      expect(await conditionalAccuracy()).toBeGreaterThanOrEqual(0.9)
    }
  },
)
