// The shipped VAE (weights/README.md) loads through the node subpath, is the finished 20-epoch
// run, and scores what its README and metadata say on the test set binarised with key(123).
import { key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { mnistPixels } from '../scripts/mnist-pixels'
import { binarize, evaluateAutoencoder } from '../src/index'
import { readCheckpoint, vaeWeightsPath } from '../src/node/index'

test('the shipped 784-400-20 VAE is the complete run and reaches its recorded test ELBO', async () => {
  const { config, params, metadata, epoch } = await readCheckpoint(vaeWeightsPath())
  expect(config.latentDim).toBe(20)
  expect(config.architecture).toEqual({ type: 'dense', hidden: [400] })
  expect(metadata.status).toBe('complete')
  expect(epoch).toBe(20)
  expect(metadata.command).toBe(
    'pnpm train:vae --epochs 20 --hidden 400 --latent 20 --train 60000 --seed 0 --iwae 100',
  )
  const { test: testSet } = await loadMnist()
  const x = binarize(mnistPixels(testSet.images, 0, 10000), key(123))
  const { elbo } = evaluateAutoencoder(config, params, x, { key: key(7) })
  // weights/README.md and the metadata: −100.25 nats (same images, same noise key; float32 sums)
  expect(Number(metadata.testElbo)).toBeCloseTo(-100.251, 3)
  expect(elbo).toBeCloseTo(-100.25, 1)
  // the bar for the 20-epoch run
  expect(elbo).toBeGreaterThanOrEqual(-101)
})
