// The shipped DBN 784-500-500 (weights/README.md: the CD-1 RBM as layer 1, the PCD top RBM as
// layer 2) samples no worse than its single RBM plus a margin: grey p(v | h) after 100 Gibbs steps
// from Bernoulli(½) noise (in the top RBM for the DBN, then the top-down pass), chunk c of 1000
// chains keyed fold(key(3), c) as scripts/score-rbm-samples.ts, FD-LeNet against as many grey
// test digits. Measured with 10,000 samples (score-*-samples.log): DBN 279.4, RBM 453.5.
// Reduced form (CI): 500 samples of each; full form (GEN_TEST_FULL=1): 10,000.
import { isFullRun } from '@gen-tooling/vitest-config'
import { fold, key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'

import { readRbmCheckpoint } from '../scripts/checkpoint-file'
import { loadLenet, scoreSamples } from '../scripts/sample-scores'
import { createDbn, dbnSample, type Dbn } from '../src/index'

const count = isFullRun() ? 10000 : 500
/** FD-LeNet points the DBN may lose to the RBM and still count as "no worse". */
const MARGIN = 25

function greySamples(dbn: Dbn): Float64Array {
  const grey = new Float64Array(count * 784)
  for (let s = 0, c = 0; s < count; s += 1000, c++) {
    const n = Math.min(1000, count - s)
    grey.set(dbnSample(dbn, { key: fold(key(3), c), numSamples: n, numSteps: 100 }).probabilities, s * 784)
  }
  return grey
}

test(
  `shipped DBN 784-500-500: ${count} samples score an FD-LeNet no worse than its single RBM's + ${MARGIN}`,
  { tags: ['slow'], timeout: 1800_000 },
  async () => {
    const weights = (name: string): string => new URL(`../weights/${name}`, import.meta.url).pathname
    const bottom = (await readRbmCheckpoint(weights('rbm-500-mnist.safetensors'))).rbm
    const top = (await readRbmCheckpoint(weights('dbn-784-500-500-top.safetensors'))).rbm
    const { test: real } = await loadMnist()
    const realGrey = Float64Array.from(real.images.subarray(0, count * 784), (p) => p / 255)
    const lenet = await loadLenet()
    const rbmScores = scoreSamples(lenet, greySamples(createDbn([bottom])), realGrey, count)
    const dbnScores = scoreSamples(lenet, greySamples(createDbn([bottom, top])), realGrey, count)
    console.info(
      `${count} samples: FD-LeNet DBN ${dbnScores.frechetDistance.toFixed(1)} (entropy ${dbnScores.classEntropy.toFixed(3)}), ` +
        `RBM ${rbmScores.frechetDistance.toFixed(1)} (entropy ${rbmScores.classEntropy.toFixed(3)})`,
    )
    expect(dbnScores.frechetDistance).toBeLessThanOrEqual(rbmScores.frechetDistance + MARGIN)
    // both are real scores of digit-like pictures, not the failure values of an empty or blank set
    expect(rbmScores.frechetDistance).toBeGreaterThan(0)
    expect(dbnScores.classEntropy).toBeGreaterThan(1)
  },
)
