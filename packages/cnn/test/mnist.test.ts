// LeNet-5 on MNIST (LeCun et al. 1998). Reduced form (CI): 5000 training images, 1 epoch at
// batch 32 and a constant Adam rate 2e-3, scored on the first 2000 test images. Full form (GEN_TEST_FULL=1): the shipped weights'
// recipe (scripts/train-lenet.ts): 60000 images, 10 epochs, shifts of ±2 px, Adam with
// cosine decay, on the 10000 test images; LeNet-5 must reach 98.9%.
import { isFullRun } from '@gen-tooling/vitest-config'
import { add, fromArray, key, normalFloats, type Tensor } from '@gen/core-tensor'
import { cosineSchedule } from '@gen/core-tensor/optim'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import {
  classifierScore,
  frechetClassifierDistance,
  initSequential,
  lenet5Config,
  toImageDataset,
  trainClassifier,
} from '../src/index'

const mean = 0.1307
const std = 0.3081

// the full form trains for about an hour on 2 shared cores, past the slow tag's 10 minutes
test('LeNet-5 learns MNIST', { tags: ['slow'], timeout: isFullRun() ? 4 * 3600_000 : 600_000 }, async () => {
  const full = isFullRun()
  const { train, test: testSet } = await loadMnist()
  const data = toImageDataset(train, { count: full ? 60000 : 5000, mean, std })
  const evalData = toImageDataset(testSet, { count: full ? 10000 : 2000, mean, std })
  const config = lenet5Config({ variant: 'modern' })
  const epochs = full ? 10 : 1
  const batchSize = full ? 64 : 32
  const steps = epochs * Math.floor(data.labels.shape[0] / batchSize)
  const result = await trainClassifier({
    config,
    params: initSequential(config, { key: key(0) }),
    data,
    evalData,
    epochs,
    batchSize,
    learningRate: full ? cosineSchedule({ initial: 1e-3, decaySteps: steps, alpha: 0.01 }) : 2e-3,
    key: key(1),
    maxShift: full ? 2 : 0,
    shiftFill: -mean / std,
    onProgress: (p) => {
      if (p.phase === 'epoch')
        console.log(
          `epoch ${p.epoch + 1}: test accuracy ${p.evalAccuracy}, ${p.imagesPerSecond.toFixed(0)} img/s`,
        )
    },
  })
  const accuracy = result.history.at(-1)?.evalAccuracy ?? 0

  // FD-LeNet on the penultimate (F6) features, and the classifier score, on 1000-image sets
  const { params } = result
  const heldOutTrain = toImageDataset(train, { start: 50000, count: 1000, mean, std }).images
  const half = (start: number): Tensor => toImageDataset(testSet, { start, count: 1000, mean, std }).images
  const testA = half(0)
  const noised = (pixelStd: number): Tensor =>
    add(
      testA,
      fromArray(
        normalFloats(key(9), testA.size).map((z) => (z * pixelStd) / std),
        { shape: testA.shape },
      ),
    )
  const fdTrainTest = frechetClassifierDistance(config, params, [heldOutTrain, testA])
  const fdHalves = frechetClassifierDistance(config, params, [testA, half(1000)])
  const fdNoised = [0.5, 1].map((s) => frechetClassifierDistance(config, params, [testA, noised(s)]))
  const score = classifierScore(config, params, testA).score
  console.log({ accuracy, fdTrainTest, fdHalves, fdNoised, score })
  expect(frechetClassifierDistance(config, params, [half(0), half(0)])).toBeLessThan(1e-6)
  // Measured (reduced run, all sets 1000 images): FD train/test 6.9, test halves 2.0, noise
  // σ = 0.5 and 1 (pixel units) 18.7 and 159; classifier score 7.5. Identical sets give 0, noise
  // grows the distance steeply, and two samples of digits stay an order of magnitude closer
  // than noised ones. These are 1k-vs-1k numbers, biased upwards by sample size (FD falls like
  // 1/N); and test[0, 2000) lies in the cleaner first 5000 of the MNIST test set (NIST SD-3
  // writers), so its halves agree more closely than either does with training digits. The
  // baseline to quote is 10k vs 10k with the shipped weights: 1.30 (shipped-weights.test.ts).
  expect(fdNoised[1]).toBeGreaterThan(fdNoised[0])
  expect(fdNoised[1]).toBeGreaterThan(10 * Math.max(fdTrainTest, fdHalves))
  expect(score).toBeGreaterThan(6)
  if (full) {
    expect(accuracy).toBeGreaterThanOrEqual(0.989)
  } else {
    // Measured 0.913 (seeds 0/1, cpu backend). The run is keyed, so it only moves with float
    // rounding across machines; the threshold sits 3 binomial standard errors below
    // (√(0.913·0.087/2000) = 0.0063), and a net that does not learn scores ~0.1.
    expect(accuracy).toBeGreaterThanOrEqual(0.89)
  }
})
