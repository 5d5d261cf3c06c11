// The shipped 784×500 CD-1 RBM (weights/README.md): its file, its settings, and the mean test
// free energy behind the recorded AIS log-likelihood (LL = −mean F − ln Ẑ), so the shipped file
// is the one that was measured.
import { expect, test } from 'vitest'

import { readRbmCheckpoint } from '../scripts/checkpoint-file'
import { binarizedMnist } from '../scripts/mnist-protocol'
import { rbmFreeEnergy } from '../src/index'

test('weights/rbm-500-mnist.safetensors: 784×500 CD-1, 10 epochs, and its recorded mean test free energy', async () => {
  const { rbm, metadata } = await readRbmCheckpoint(
    new URL('../weights/rbm-500-mnist.safetensors', import.meta.url).pathname,
  )
  expect([rbm.numVisible, rbm.numHidden]).toEqual([784, 500])
  expect([metadata.method, metadata.epochsDone, metadata.learningRate, metadata.momentum]).toEqual([
    'CD-1',
    '10',
    '0.01',
    '0',
  ])
  const { test: testSet } = await binarizedMnist(1)
  const free = rbmFreeEnergy(rbm, testSet.values)
  const meanFreeEnergy = free.reduce((a, b) => a + b, 0) / free.length
  // AIS (100 runs, 14,501 temperatures): ln Ẑ 433.882, test LL −119.634 → mean F = −314.248
  expect(meanFreeEnergy).toBeCloseTo(-314.248, 2)
}, 120_000)
