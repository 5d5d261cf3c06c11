// FD-LeNet of a VAE's samples under the alternatives one could choose, next to real-digit
// baselines, so the reported protocol can be judged: what is generated (decoder means
// E[x|z] or Bernoulli-sampled binary pixels), what it is compared with (grey-level test
// digits, the images @gen/cnn's LeNet-5 was trained on, or binarised ones), and how many.
// The reported figure (weights/README.md, score-vae.ts, the CLI tour) is the first line:
// decoder means of z ~ N(0, I) against as many grey-level test digits.
//
//   pnpm fd:vae [--weights weights/vae-784-400-20-mnist.safetensors] [--count 2000]
import { fromArray, key, normalFloats, type Tensor } from '@gen/core-tensor'
import { lenet5WeightsPath, readCheckpoint as readLenet } from '@gen/cnn/node'
import { loadMnist } from '@gen/datasets/node'
import { binarize, decodeImages, encode, reconstruct, reparameterize, sampleImages } from '../src/index'
import { readCheckpoint } from '../src/node/index'
import { fdLenet } from './fd-lenet'
import { mnistPixels } from './mnist-pixels'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const weights = arg('weights', 'weights/vae-784-400-20-mnist.safetensors')
const n = Number(arg('count', '2000'))
if (!Number.isSafeInteger(n) || n < 2 || n > 5000)
  throw new Error(`--count must be an integer in [2, 5000], got ${n}`)

const { config, params, metadata } = await readCheckpoint(weights)
const lenet = await readLenet(lenet5WeightsPath())
const { train, test } = await loadMnist()
console.log(`${weights}: ${metadata.status ?? ''}; ${n} images per set, LeNet-5 penultimate (F6) features`)

// real sets: grey test digits [0, n) are the reference everywhere; [n, 2n) are held out
const greyTest = mnistPixels(test.images, 0, n)
const greyHeldOut = mnistPixels(test.images, n, n)
const binaryTest = binarize(greyTest, key(123))
const binaryHeldOut = binarize(greyHeldOut, key(124))

const means = sampleImages(config, params, { count: n, key: key(9) })
const binarySamples = binarize(means, key(10))
// posterior samples: z ~ q(z | x) of held-out binarised test digits, decoded to means
const { mu, logVar } = encode(config, params, binaryHeldOut)
if (logVar === undefined) throw new Error(`${weights} is not a VAE`)
const zPost = reparameterize(mu, logVar, fromArray(normalFloats(key(11), mu.size), { shape: mu.shape }))
const posterior = decodeImages(config, params, zPost)
const recon = reconstruct(config, params, binaryHeldOut)

const line = (label: string, samples: Tensor, real: Tensor): void => {
  const { fd, classCounts } = fdLenet(lenet.config, lenet.params, samples, real)
  console.log(`${label.padEnd(64)} ${fd.toFixed(2).padStart(7)}   classes ${classCounts.join(' ')}`)
}
line('decoder means, z ~ N(0, I) vs grey test (reported)', means, greyTest)
line('Bernoulli-sampled pixels, z ~ N(0, I) vs grey test', binarySamples, greyTest)
line('decoder means, z ~ N(0, I) vs binarised test', means, binaryTest)
line('Bernoulli-sampled pixels, z ~ N(0, I) vs binarised test', binarySamples, binaryTest)
line('decoder means, z ~ q(z|x) of held-out test vs grey test', posterior, greyTest)
line('reconstructions E[x | μ(x)] of held-out test vs grey test', recon, greyTest)
line('real: grey held-out test vs grey test', greyHeldOut, greyTest)
line('real: grey training digits vs grey test', mnistPixels(train.images, 0, n), greyTest)
line('real: binarised held-out test vs grey test', binaryHeldOut, greyTest)
line('real: binarised held-out test vs binarised test', binaryHeldOut, binaryTest)
// at the full test set's size, the size packages/gan/weights/README.md reports
const all = mnistPixels(test.images, 0, 10000)
line(
  'decoder means, z ~ N(0, I), 10k vs all 10k grey test',
  sampleImages(config, params, { count: 10000, key: key(12) }),
  all,
)
line('real: grey training digits, 10k vs all 10k grey test', mnistPixels(train.images, 0, 10000), all)
