// The shipped weights (weights/lenet5-modern-mnist.safetensors) load, have LeNet-5's shape and
// score as weights/README.md says on the first 2000 MNIST test images.
import { add, fromArray, key, normalFloats, type Tensor } from '@gen/core-tensor'
import { loadMnist, loadMnistSplit } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import {
  evaluateClassifier,
  extractFeatures,
  filterGrid,
  frechetDistance,
  gaussianFit,
  type GaussianFit,
  lenet5Config,
  parameterCount,
  toImageDataset,
} from '../src/index'
import { lenet5WeightsPath, readCheckpoint } from '../src/node/index'

test('shipped LeNet-5 weights: the config, 61,706 parameters and their test accuracy', async () => {
  const checkpoint = await readCheckpoint(lenet5WeightsPath())
  expect(checkpoint.config).toEqual(lenet5Config({ variant: 'modern' }))
  expect(parameterCount(checkpoint.config)).toBe(61706)
  expect(checkpoint.optimizer).toBeUndefined()
  expect(Number(checkpoint.metadata.testAccuracy)).toBeGreaterThanOrEqual(0.989)
  const test = toImageDataset(await loadMnistSplit('test'), { count: 2000, mean: 0.1307, std: 0.3081 })
  const { accuracy } = evaluateClassifier(checkpoint.config, checkpoint.params, test)
  // measured 0.988 on these 2000 (99.20% on all 10,000); fixed weights, so only float
  // rounding moves it
  expect(accuracy).toBeGreaterThanOrEqual(0.985)
  const grid = filterGrid(checkpoint.params['0'].weight)
  expect([grid.height, grid.width]).toEqual([11, 17])
})

// FD-LeNet's real-vs-real baseline, 10k vs 10k (FD falls like 1/N between two samples of one
// distribution, so every FD must be read at the N it was computed with; scripts/fd-baseline.ts
// prints the other sizes). Measured with these weights: 1.304 for train[0, 10k) vs the 10k
// test images (1.216 with train[10k, 20k), 0.921 train vs train); 54.7 against the test images
// plus Gaussian noise of σ = 0.25 in pixel units. Fixed weights and data: only float rounding
// moves these.
test(
  'FD-LeNet baseline: real train vs real test, 10k vs 10k, is about 1.3; noise gives a far larger distance',
  { tags: ['slow'], timeout: 600_000 },
  async () => {
    const { config, params } = await readCheckpoint(lenet5WeightsPath())
    const { train, test: testSet } = await loadMnist()
    const normalise = { mean: 0.1307, std: 0.3081 }
    const trainImages = toImageDataset(train, { count: 10000, ...normalise }).images
    const testImages = toImageDataset(testSet, normalise).images
    const fit = (images: Tensor): GaussianFit => {
      const f = extractFeatures(config, params, images)
      return gaussianFit(f.features, f.dim)
    }
    const testFit = fit(testImages)
    expect(frechetDistance(testFit, testFit)).toBeLessThan(1e-9)
    const baseline = frechetDistance(fit(trainImages), testFit)
    expect(baseline).toBeGreaterThan(1.25)
    expect(baseline).toBeLessThan(1.35)
    const noise = normalFloats(key(9), testImages.size).map((z) => (z * 0.25) / normalise.std)
    const noised = add(testImages, fromArray(noise, { shape: testImages.shape }))
    expect(frechetDistance(testFit, fit(noised))).toBeGreaterThan(30 * baseline)
  },
)
