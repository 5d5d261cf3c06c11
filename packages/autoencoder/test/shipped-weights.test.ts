// The shipped VAE (weights/README.md) loads through the node subpath and scores what its
// README says on the test set binarised with key(123).
import { fromArray, key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { binarize, evaluateAutoencoder } from '../src/index'
import { readCheckpoint, vaeWeightsPath } from '../src/node/index'

test('the shipped 784-400-20 VAE reaches its recorded test ELBO', async () => {
  const { config, params, metadata } = await readCheckpoint(vaeWeightsPath())
  expect(config.latentDim).toBe(20)
  expect(config.architecture).toEqual({ type: 'dense', hidden: [400] })
  expect(metadata.status).toBe('after epoch 6 of 20')
  const { test: testSet } = await loadMnist()
  const x = binarize(
    fromArray(
      Float32Array.from(testSet.images.subarray(0, 10000 * 784), (v) => v / 255),
      { shape: [10000, 784] },
    ),
    key(123),
  )
  const { elbo } = evaluateAutoencoder(config, params, x, { key: key(7) })
  // weights/README.md: −103.84 nats (same images, same noise key; float32 sums)
  expect(elbo).toBeCloseTo(-103.84, 1)
})
