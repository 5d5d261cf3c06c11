// The one MNIST protocol of this package's likelihoods: stochastic binarisation, drawn once
// from a fixed key per split (training images from key(9001), test images from key(9002)).
// Every log-likelihood in the tests, scripts and weights/README.md uses these sets.
import { key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { binarizeStochastic, type BinarizedImages } from '../src/index'

export const TRAIN_BINARIZATION_SEED = 9001
export const TEST_BINARIZATION_SEED = 9002

/**
 * The binarised MNIST splits ([60000, 784] and [10000, 784] of 0/1), or only the first
 * `trainCount` training images, which equal the first rows of the full binarised set.
 */
export async function binarizedMnist(trainCount = 60000): Promise<{
  readonly train: BinarizedImages
  readonly test: BinarizedImages
}> {
  const { train, test } = await loadMnist()
  return {
    train: binarizeStochastic(train.images.subarray(0, trainCount * 784), key(TRAIN_BINARIZATION_SEED)),
    test: binarizeStochastic(test.images, key(TEST_BINARIZATION_SEED)),
  }
}
