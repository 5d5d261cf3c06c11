// The one MNIST protocol of this package's likelihoods: stochastic binarisation, drawn once
// from a fixed key per split (training images from key(9001), test images from key(9002)).
// Every log-likelihood in the tests, scripts and weights/README.md uses these sets.
import { key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { binarizeStochastic, type BinarizedImages } from '../src/index'

export const TRAIN_BINARIZATION_SEED = 9001
export const TEST_BINARIZATION_SEED = 9002

/** The binarised MNIST splits ([60000, 784] and [10000, 784] of 0/1). */
export async function binarizedMnist(): Promise<{
  readonly train: BinarizedImages
  readonly test: BinarizedImages
}> {
  const { train, test } = await loadMnist()
  return {
    train: binarizeStochastic(train.images, key(TRAIN_BINARIZATION_SEED)),
    test: binarizeStochastic(test.images, key(TEST_BINARIZATION_SEED)),
  }
}
