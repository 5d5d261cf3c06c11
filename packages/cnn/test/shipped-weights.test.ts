// The shipped weights (weights/lenet5-modern-mnist.safetensors) load, have LeNet-5's shape and
// score as weights/README.md says on the first 2000 MNIST test images.
import { loadMnistSplit } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { evaluateClassifier, filterGrid, lenet5Config, parameterCount, toImageDataset } from '../src/index'
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
