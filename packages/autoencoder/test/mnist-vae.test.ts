// A Bernoulli VAE on dynamically binarised MNIST (Kingma & Welling 2014), scored by the ELBO
// and the IWAE bound (Burda et al. 2016) on test images binarised once with a fixed key.
// Reduced form (CI): 784-200-20, 10 epochs on 10k training images, test on 2000. Full form
// (GEN_TEST_FULL=1): 784-400-20, 20 epochs on 60k, test on 10k, IWAE k = 100, decoder samples
// scored by FD-LeNet with @gen/cnn's shipped LeNet-5.
import { isFullRun } from '@gen-tooling/vitest-config'
import { fromArray, key, type Tensor } from '@gen/core-tensor'
import { lenet5WeightsPath, readCheckpoint } from '@gen/cnn/node'
import { loadMnist } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { fdLenet } from '../scripts/fd-lenet'
import {
  type AutoencoderConfig,
  binarize,
  encodeMean,
  evaluateAutoencoder,
  initAutoencoder,
  iwaeBound,
  knnAccuracy,
  sampleImages,
  trainAutoencoder,
} from '../src/index'
import { mnistPixels } from '../scripts/mnist-pixels'

const toFloat = mnistPixels

const vae = (hidden: number, latentDim: number): AutoencoderConfig => ({
  kind: 'vae',
  inputShape: [1, 28, 28],
  latentDim,
  architecture: { type: 'dense', hidden: [hidden] },
  likelihood: 'bernoulli',
})

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length

test(
  'a VAE learns binarised MNIST: ELBO and IWAE in nats',
  { tags: ['slow'], timeout: isFullRun() ? 6 * 3600_000 : 1200_000 },
  async () => {
    const full = isFullRun()
    const { train, test: testSet } = await loadMnist()
    const data = toFloat(train.images, 0, full ? 60000 : 10000)
    const testX = binarize(toFloat(testSet.images, 0, full ? 10000 : 2000), key(123))
    const config = vae(full ? 400 : 200, 20)
    const epochs = full ? 20 : 10
    const result = await trainAutoencoder({
      config,
      params: initAutoencoder(config, { key: key(0) }),
      data,
      testData: testX,
      epochs,
      batchSize: 100,
      learningRate: 1e-3,
      key: key(1),
      binarize: 'dynamic',
      evalKey: key(7),
      onProgress: (p) =>
        console.log(
          `epoch ${p.epoch + 1}: train ELBO ${p.trainElbo.toFixed(2)}, test ELBO ${p.testElbo?.toFixed(2)} (rec ${p.testRec?.toFixed(2)}, KL ${p.testKl?.toFixed(2)})`,
        ),
    })
    const elbos = result.history.map((h) => h.testElbo ?? Number.NaN)
    // the issue asks the short (CI) run to improve every epoch; over 20 epochs on 60k the test
    // ELBO wanders by SGD noise near the end (the shipped run of this recipe fell by 0.08 and
    // 0.11 nats at epochs 14 and 20, weights/train.log), so the full form asks the second half
    // to improve on the first
    if (!full) for (let i = 1; i < elbos.length; i++) expect(elbos[i]).toBeGreaterThan(elbos[i - 1])
    else expect(elbos[elbos.length - 1]).toBeGreaterThan(elbos[9])
    const elbo = elbos[elbos.length - 1]
    const { params } = result
    if (!full) {
      // the reference: −117 after 10 epochs, −141 after 3
      expect(elbo).toBeGreaterThanOrEqual(-125)
      const sub = toFloatRows(testX, 500)
      const e = evaluateAutoencoder(config, params, sub, { key: key(7) }).elbo
      const iwae = mean(iwaeBound(config, params, sub, { samples: 50, key: key(8) }))
      console.log({ elbo, elbo500: e, iwae50: iwae })
      expect(iwae).toBeGreaterThanOrEqual(e - 0.2)
      return
    }
    const iwae = mean(iwaeBound(config, params, testX, { samples: 100, key: key(8) }))
    const lenet = await readCheckpoint(lenet5WeightsPath())
    const samples = sampleImages(config, params, { count: 2000, key: key(9) })
    const { fd, classCounts } = fdLenet(lenet.config, lenet.params, samples, toFloat(testSet.images, 0, 2000))
    console.log({ elbo, iwae100: iwae, fd, classCounts })
    // a NumPy reference reached −99.6 and −95.0
    expect(elbo).toBeGreaterThanOrEqual(-101)
    expect(iwae).toBeGreaterThanOrEqual(-97)
    expect(fd).toBeLessThanOrEqual(35)
    expect(classCounts.every((c) => c > 0)).toBe(true)
  },
)

function toFloatRows(x: Tensor, count: number): Tensor {
  return fromArray(x.dataSync().slice(0, count * 784), { shape: [count, 784] })
}

test(
  'a 2-D latent VAE separates the digit classes (10-NN accuracy of the latent means)',
  { tags: ['slow'], timeout: isFullRun() ? 6 * 3600_000 : 1200_000 },
  async () => {
    const full = isFullRun()
    const { train, test: testSet } = await loadMnist()
    const config = vae(full ? 400 : 200, 2)
    const result = await trainAutoencoder({
      config,
      params: initAutoencoder(config, { key: key(2) }),
      data: toFloat(train.images, 0, full ? 60000 : 10000),
      epochs: full ? 20 : 10,
      learningRate: 2e-3,
      key: key(3),
      binarize: 'dynamic',
    })
    const n = 2000
    const codes = encodeMean(config, result.params, binarize(toFloat(testSet.images, 0, n), key(123)))
    const accuracy = knnAccuracy(codes, testSet.labels.subarray(0, n), { k: 10 })
    console.log({ latent2dKnnAccuracy: accuracy })
    // Chance is about 0.11. Measured (reduced form, 10 epochs on 10k): 0.502 (0.375 after 3
    // epochs); the full form has not been run. The 2-D code keeps 4/9 and 3/5/8 overlapping.
    expect(accuracy).toBeGreaterThan(0.45)
  },
)

test(
  'a conv VAE on binarised digits and a continuous-Bernoulli VAE on grey levels learn on MNIST',
  { tags: ['slow'], timeout: 1200_000 },
  async () => {
    const { train, test: testSet } = await loadMnist()
    const grey = toFloat(train.images, 0, 3000)
    const greyTest = toFloat(testSet.images, 0, 500)
    const conv: AutoencoderConfig = {
      kind: 'vae',
      inputShape: [1, 28, 28],
      latentDim: 8,
      architecture: { type: 'conv', channels: [8, 16], hidden: 64 },
      likelihood: 'bernoulli',
    }
    const c = await trainAutoencoder({
      config: conv,
      params: initAutoencoder(conv, { key: key(4) }),
      data: grey,
      testData: binarize(greyTest, key(123)),
      epochs: 3,
      learningRate: 2e-3,
      key: key(5),
      binarize: 'dynamic',
    })
    const cb: AutoencoderConfig = { ...vae(200, 8), likelihood: 'continuousBernoulli' }
    const g = await trainAutoencoder({
      config: cb,
      params: initAutoencoder(cb, { key: key(6) }),
      data: grey,
      testData: greyTest,
      epochs: 3,
      learningRate: 2e-3,
      key: key(7),
    })
    const convElbo = c.history.map((h) => h.testElbo ?? Number.NaN)
    const cbElbo = g.history.map((h) => h.testElbo ?? Number.NaN)
    console.log({ convElbo, cbElbo })
    for (const e of [convElbo, cbElbo]) {
      expect(e[1]).toBeGreaterThan(e[0])
      expect(e[2]).toBeGreaterThan(e[1])
    }
    // Measured: conv −300.4, −219.8, −206.4 nats (90 steps in all; an untrained decoder scores
    // about −543 = −784·ln 2); continuous Bernoulli 1470, 1820, 2009 nats (a density on
    // [0, 1]^784, so positive values are expected).
    expect(convElbo[2]).toBeGreaterThan(-230)
  },
)
