// Gibbs samples of the shipped PCD RBM (weights/README.md) scored with @gen/cnn's LeNet-5: grey
// p(v | h) after 100 block-Gibbs steps from Bernoulli(½) noise, FD-LeNet against as many grey test
// digits, and the entropy of LeNet's classes. Measured: 10,000 samples (full form) FD 176.6,
// entropy 1.917 nats; 1000 samples (reduced form, the first chunk of the same keys) FD 165.9,
// entropy 1.943 (69 s on 2 shared cores). The FD bar of 80 is not met (and 1000 steps
// score worse, FD 342: the model's equilibrium over-weights a few digits); these bounds guard the
// measured figures with a margin.
import { isFullRun } from '@gen-tooling/vitest-config'
import { fold, key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'

import { readRbmCheckpoint } from '../scripts/checkpoint-file'
import { loadLenet, scoreSamples } from '../scripts/sample-scores'
import { createDbn, dbnSample } from '../src/index'

const count = isFullRun() ? 10000 : 1000

test(
  `shipped PCD RBM: ${count} Gibbs samples have FD-LeNet below 190 and class entropy above 1.85 nats`,
  { tags: ['slow'], timeout: 1800_000 },
  async () => {
    const { rbm } = await readRbmCheckpoint(
      new URL('../weights/rbm-500-pcd-mnist.safetensors', import.meta.url).pathname,
    )
    const dbn = createDbn([rbm])
    const grey = new Float64Array(count * 784)
    for (let s = 0, c = 0; s < count; s += 1000, c++) {
      const n = Math.min(1000, count - s)
      grey.set(dbnSample(dbn, { key: fold(key(3), c), numSamples: n, numSteps: 100 }).probabilities, s * 784)
    }
    const { test: real } = await loadMnist()
    const realGrey = Float64Array.from(real.images.subarray(0, count * 784), (p) => p / 255)
    const scores = scoreSamples(await loadLenet(), grey, realGrey, count)
    console.info(
      `PCD samples (${count}): FD-LeNet ${scores.frechetDistance.toFixed(1)}, class entropy ${scores.classEntropy.toFixed(3)}`,
    )
    expect(scores.frechetDistance).toBeLessThan(190)
    expect(scores.classEntropy).toBeGreaterThan(1.85)
  },
)
