// Inpainting MNIST digits with an RBM: the top half of each test digit is clamped and the lower
// half Gibbs-sampled (rbmInpaint). The score is the mean binary cross-entropy, in nats per free
// pixel, of the averaged conditional probabilities against the true pixels, next to a baseline
// that ignores the top half (each pixel's marginal frequency in the training set), compared
// digit by digit. Stochastic binarisation leaves an entropy floor that neither can beat.
// Binarisation: stochastic, binarizeStochastic with seed 0 (train) and seed 1 (test), drawn once.
// Reduced (CI): 3000 training images, 100 hidden units, 4 epochs of PCD, 200 test digits.
// Full (GEN_TEST_FULL=1): 20000 images, 500 hidden units, 10 epochs of PCD, 1000 test digits.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { isFullRun } from '@gen-tooling/vitest-config'
import { key } from '@gen/core-tensor'
import { binarizeStochastic } from '@gen/datasets'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, imageGrid } from '@gen/viz'
import { expect, test } from 'vitest'

import { initRbm } from '../rbm'
import { rbmFilterImages } from './filters'
import { rbmInpaint } from './inpaint'
import { trainRbm } from './train-rbm'

const full = isFullRun()

/** Mean binary cross-entropy (nats per free pixel) of each digit's predicted probabilities. */
function digitCrossEntropy(p: ArrayLike<number>, x: ArrayLike<number>, count: number): Float64Array {
  const out = new Float64Array(count)
  for (let n = 0; n < count; n++) {
    let s = 0
    for (let i = 392; i < 784; i++) {
      const q = n * 784 + i
      const pq = Math.min(Math.max(p[q], 1e-6), 1 - 1e-6)
      s -= x[q] === 1 ? Math.log(pq) : Math.log1p(-pq)
    }
    out[n] = s / 392
  }
  return out
}

function mean(a: ArrayLike<number>): number {
  let s = 0
  for (let k = 0; k < a.length; k++) s += a[k]
  return s / a.length
}

test(
  'an RBM inpaints the lower half of MNIST digits better than the pixel marginals',
  { tags: ['slow'], timeout: full ? 3600_000 : 600_000 },
  async () => {
    const { train, test: testSet } = await loadMnist()
    const numTrain = full ? 20000 : 3000
    const numTest = full ? 1000 : 200
    const numHidden = full ? 500 : 100
    const trainBits = binarizeStochastic(train, { seed: 0 }).subarray(0, numTrain * 784)
    const testBits = binarizeStochastic(testSet, { seed: 1 }).subarray(0, numTest * 784)
    const data = Float64Array.from(trainBits)
    const started = performance.now()
    const { rbm, history } = trainRbm(initRbm({ numVisible: 784, numHidden }, { key: key(0) }), data, {
      key: key(1),
      numEpochs: full ? 10 : 4,
      batchSize: 50,
      method: 'pcd',
      learningRate: { kind: 'linear', initial: 0.05, final: 0.005 },
      momentum: 0.5,
      weightDecay: 1e-4,
      monitorSize: 500,
    })
    const last = history.at(-1)
    console.info(
      `RBM 784x${numHidden}, ${numTrain} images, PCD: recon ${last?.reconstructionError.toFixed(2)}, PL ${last?.pseudoLikelihood.toFixed(1)}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )

    const mask = Float64Array.from({ length: 784 }, (_, i) => (i < 392 ? 1 : 0))
    const start = Float64Array.from({ length: numTest * 784 }, (_, q) => (q % 784 < 392 ? testBits[q] : 0.5))
    const { probabilities } = rbmInpaint(rbm, start, mask, { key: key(2), numSteps: 100, burnIn: 20 })
    const marginal = new Float64Array(784)
    for (let n = 0; n < numTrain; n++) for (let i = 0; i < 784; i++) marginal[i] += trainBits[n * 784 + i]
    for (let i = 0; i < 784; i++) marginal[i] = (marginal[i] + 1) / (numTrain + 2)
    const baseline = Float64Array.from({ length: numTest * 784 }, (_, q) => marginal[q % 784])
    const rbmPerDigit = digitCrossEntropy(probabilities, testBits, numTest)
    const baselinePerDigit = digitCrossEntropy(baseline, testBits, numTest)
    const rbmNats = mean(rbmPerDigit)
    const baselineNats = mean(baselinePerDigit)
    // paired over digits: d_n = baseline_n − rbm_n, with its standard error
    const gain = baselinePerDigit.map((b, n) => b - rbmPerDigit[n])
    const gainMean = mean(gain)
    const gainSe = Math.sqrt(mean(gain.map((d) => (d - gainMean) ** 2)) / (numTest - 1))
    console.info(
      `inpainting the lower half of ${numTest} test digits: RBM ${rbmNats.toFixed(4)} nats/pixel, marginal baseline ${baselineNats.toFixed(4)}, gain ${gainMean.toFixed(4)} ± ${gainSe.toFixed(4)}`,
    )

    // pictures for a person to look at: originals, the clamped halves, the inpainted means; filters
    const dir = mkdtempSync(join(tmpdir(), 'boltzmann-inpaint-'))
    const tiles: number[] = []
    for (const source of [testBits, start, probabilities])
      for (let n = 0; n < 10; n++) tiles.push(...source.subarray(n * 784, (n + 1) * 784))
    const write = (name: string, bytes: Uint8Array): void => {
      writeFileSync(join(dir, `${name}.tmp`), bytes)
      renameSync(join(dir, `${name}.tmp`), join(dir, name))
    }
    write(
      'inpaint.png',
      encodePng(imageGrid({ shape: [30, 28, 28], data: tiles }, { range: '0..1', columns: 10, scale: 2 })),
    )
    const filters = rbmFilterImages(rbm, {
      units: Array.from({ length: 64 }, (_, j) => j),
      normalize: 'per-unit',
    })
    write('filters.png', encodePng(imageGrid(filters, { range: '-1..1', columns: 8, scale: 2 })))
    console.info(`pictures in ${dir}`)

    expect(gainMean).toBeGreaterThan(4 * gainSe)
    // measured: 0.88 (reduced), 0.85 with 5000 images and 5 epochs
    expect(rbmNats).toBeLessThan((full ? 0.85 : 0.95) * baselineNats)
  },
)
