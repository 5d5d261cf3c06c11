// The small AlexNet and ResNet learn MNIST. Reduced form (CI): 1200 training images, one
// epoch at batch 16 (75 Adam steps of rate 2e-3), scored on the first 1000 test images; the
// AlexNet in its batch-norm form, which learns in so few steps (its LRN form needs a few hundred
// steps to leave chance: 13% after 75 steps, 37% after 125 measured). Full form
// (GEN_TEST_FULL=1): 10000 images, 2 epochs at batch 32 (624 steps, cosine decay from 2e-3),
// shifts of ±2 px, LRN AlexNet and ResNet, on the 10000 test images. Measured (same recipe,
// run as a script on the loaded shared machine): ResNet 95.01% after epoch 1 and 97.11% after
// epoch 2 (752 s); LRN AlexNet 86.65% and 93.29% (1029 s): without batch norm, with dropout 0.5
// and PyTorch's default init it starts slowly. Floors: 3 binomial standard errors on 10000
// images (0.002) below, rounded down to 95% and 92%.
import { isFullRun } from '@gen-tooling/vitest-config'
import { key } from '@gen/core-tensor'
import { cosineSchedule } from '@gen/core-tensor/optim'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import {
  alexnetConfig,
  initSequential,
  resnetConfig,
  type SequentialConfig,
  toImageDataset,
  trainClassifier,
} from '../src/index'

const mean = 0.1307
const std = 0.3081

async function accuracyAfterTraining(config: SequentialConfig): Promise<number> {
  const full = isFullRun()
  const { train, test: testSet } = await loadMnist()
  const data = toImageDataset(train, { count: full ? 10000 : 1200, mean, std })
  const evalData = toImageDataset(testSet, { count: full ? 10000 : 1000, mean, std })
  const batchSize = full ? 32 : 16
  const epochs = full ? 2 : 1
  const steps = epochs * Math.floor(data.labels.shape[0] / batchSize)
  const result = await trainClassifier({
    config,
    params: initSequential(config, { key: key(0) }),
    data,
    evalData,
    epochs,
    batchSize,
    learningRate: full ? cosineSchedule({ initial: 2e-3, decaySteps: steps, alpha: 0.01 }) : 2e-3,
    key: key(1),
    maxShift: full ? 2 : 0,
    shiftFill: -mean / std,
  })
  const last = result.history.at(-1)
  console.log(
    `${config.layers.length} layers: test accuracy ${last?.evalAccuracy}, ${last?.imagesPerSecond.toFixed(0)} img/s`,
  )
  return last?.evalAccuracy ?? 0
}

const timeout = isFullRun() ? 4 * 3600_000 : 600_000

test('the small AlexNet learns MNIST', { tags: ['slow'], timeout }, async () => {
  const full = isFullRun()
  const accuracy = await accuracyAfterTraining(
    alexnetConfig({ normalization: full ? 'localResponse' : 'batchNorm' }),
  )
  if (full) {
    expect(accuracy).toBeGreaterThanOrEqual(0.92)
  } else {
    // 75 steps are chaotic: a rounding change anywhere (maxPool2d summing overlapping windows'
    // gradients in another order moved keys 0/1 from 0.509 to 0.294) swings the result, and
    // init/run keys (0,1), (2,3), (4,5), (6,7) measured 0.294, 0.349, 0.568, 0.477. So the
    // floor tests learning, not a trajectory: a net that does not learn scores 0.10 ± 0.0095
    // (binomial, 1000 images), and 0.2 is ten of those standard errors above chance
    expect(accuracy).toBeGreaterThanOrEqual(0.2)
  }
})

test('the small ResNet learns MNIST', { tags: ['slow'], timeout }, async () => {
  const accuracy = await accuracyAfterTraining(resnetConfig())
  if (isFullRun()) {
    expect(accuracy).toBeGreaterThanOrEqual(0.95)
  } else {
    // Measured 0.453, 0.479, 0.531 for init/run keys (0,1), (2,3), (4,5); as for the AlexNet the
    // short run is chaotic, so the floor sits well above chance (0.10 ± 0.0095), not at a trajectory
    expect(accuracy).toBeGreaterThanOrEqual(0.3)
  }
})
