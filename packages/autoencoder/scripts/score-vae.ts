// Scores a VAE weights file on MNIST: test ELBO (one sample per image), the IWAE bound and
// FD-LeNet of decoder samples, on the test set binarised once with key(123) as in training.
//
//   pnpm score:vae [--weights weights/vae-784-400-20-mnist.safetensors] [--iwae 100] [--iwae-count 10000] [--fd-count 2000]
import { fromArray, key, type Tensor } from '@gen/core-tensor'
import { lenet5WeightsPath, readCheckpoint as readLenet } from '@gen/cnn/node'
import { loadMnist } from '@gen/datasets/node'
import { binarize, evaluateAutoencoder, iwaeBound, sampleImages } from '../src/index'
import { readCheckpoint } from '../src/node/index'
import { fdLenet } from './fd-lenet'
import { mnistPixels } from './mnist-pixels'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const weights = arg('weights', 'weights/vae-784-400-20-mnist.safetensors')
const k = Number(arg('iwae', '100'))
const iwaeCount = Number(arg('iwae-count', '10000'))
const fdCount = Number(arg('fd-count', '2000'))

const { config, params, metadata, epoch } = await readCheckpoint(weights)
console.log(`${weights}: epoch ${epoch}, ${metadata.status ?? ''}`)
const { test } = await loadMnist()
const toFloat = (count: number): Tensor => mnistPixels(test.images, 0, count)
const testX = binarize(toFloat(10000), key(123))

let t0 = performance.now()
const e = evaluateAutoencoder(config, params, testX, { key: key(7) })
console.log(
  `test ELBO ${e.elbo.toFixed(2)} nats (rec ${e.rec.toFixed(2)}, KL ${e.kl.toFixed(2)}) on 10000 images, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
)

t0 = performance.now()
const sub = fromArray(testX.dataSync().slice(0, iwaeCount * 784), { shape: [iwaeCount, 784] })
const subElbo = evaluateAutoencoder(config, params, sub, { key: key(7) }).elbo
const bound = iwaeBound(config, params, sub, { samples: k, key: key(8) })
const iwae = bound.reduce((a, v) => a + v, 0) / bound.length
console.log(
  `IWAE k=${k} ${iwae.toFixed(2)} nats on the first ${iwaeCount} test images (their ELBO ${subElbo.toFixed(2)}), ${((performance.now() - t0) / 1000).toFixed(0)} s`,
)

t0 = performance.now()
const lenet = await readLenet(lenet5WeightsPath())
const samples = sampleImages(config, params, { count: fdCount, key: key(9) })
const { fd, classCounts } = fdLenet(lenet.config, lenet.params, samples, toFloat(fdCount))
console.log(
  `FD-LeNet ${fd.toFixed(2)} (${fdCount} decoder means of z ~ N(0, I) vs the first ${fdCount} grey-level test images); LeNet classes of the samples 0-9: ${classCounts.join(' ')}, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
)
