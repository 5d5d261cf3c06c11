// The shipped RBMs (weights/README.md): their files, their settings, and the mean test free
// energy behind each recorded AIS log-likelihood (LL = −mean F − ln Ẑ), so each shipped file is
// the one that was measured; and the DBN's top RBM, which sits on the shipped CD-1 RBM.
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

test('weights/rbm-500-pcd-mnist.safetensors: 784×500 PCD-1, 100 chains, and its recorded mean test free energy', async () => {
  const { rbm, metadata } = await readRbmCheckpoint(
    new URL('../weights/rbm-500-pcd-mnist.safetensors', import.meta.url).pathname,
  )
  expect([rbm.numVisible, rbm.numHidden]).toEqual([784, 500])
  expect([metadata.method, metadata.epochsDone, metadata.learningRate, metadata.finalLearningRate]).toEqual([
    'PCD-1 (100 chains)',
    '10',
    '0.05',
    '0.0005',
  ])
  const { test: testSet } = await binarizedMnist(1)
  const free = rbmFreeEnergy(rbm, testSet.values)
  const meanFreeEnergy = free.reduce((a, b) => a + b, 0) / free.length
  // AIS (100 runs, 1000 temperatures): ln Ẑ 436.006, test LL −97.654 → mean F = −338.352
  expect(meanFreeEnergy).toBeCloseTo(-338.352, 2)
}, 120_000)

test('weights/dbn-784-500-500-top.safetensors: the 500×500 top RBM of the DBN on the shipped CD-1 RBM', async () => {
  const { rbm, metadata } = await readRbmCheckpoint(
    new URL('../weights/dbn-784-500-500-top.safetensors', import.meta.url).pathname,
  )
  expect([rbm.numVisible, rbm.numHidden]).toEqual([500, 500])
  expect([metadata.layerSizes, metadata.method, metadata.epochsDone]).toEqual([
    '784,500,500',
    'PCD-1 (100 chains)',
    '10',
  ])
})
