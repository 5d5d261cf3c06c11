// Trains the shipped VAE: 784-400-20 with a Bernoulli decoder on dynamically binarised MNIST
// (Kingma & Welling 2014's MNIST model; Burda et al. 2016's evaluation), and scores it.
//
//   pnpm train:vae [--epochs 20] [--hidden 400] [--latent 20] [--train 60000] [--seed 0] [--iwae 100] [--out weights]
//
// Writes <out>/vae-784-<hidden>-<latent>-mnist.safetensors (weights only, metrics in the
// metadata) and a resumable checkpoint <out>/vae-784-<hidden>-<latent>.checkpoint.safetensors
// after each epoch; a rerun with the same settings resumes from it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { key, type Tensor } from '@gen/core-tensor'
import { lenet5WeightsPath, readCheckpoint as readLenet } from '@gen/cnn/node'
import { loadMnist } from '@gen/datasets/node'
import {
  type AutoencoderConfig,
  binarize,
  evaluateAutoencoder,
  initAutoencoder,
  iwaeBound,
  sampleImages,
  trainAutoencoder,
} from '../src/index'
import { readCheckpoint, writeCheckpoint } from '../src/node/index'
import { fdLenet } from './fd-lenet'
import { mnistPixels } from './mnist-pixels'

function arg(name: string, fallback: number | string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : String(fallback)
}
const epochs = Number(arg('epochs', 20))
const hidden = Number(arg('hidden', 400))
const latent = Number(arg('latent', 20))
const trainCount = Number(arg('train', 60000))
const seed = Number(arg('seed', 0))
const iwaeK = Number(arg('iwae', 100))
const out = arg('out', 'weights')

const { train, test } = await loadMnist()
const toFloat = (bytes: Uint8Array, count: number): Tensor => mnistPixels(bytes, 0, count)
const data = toFloat(train.images, trainCount)
// the test set is binarised once, with a fixed key, so every epoch and every run scores the same images
const testX = binarize(toFloat(test.images, 10000), key(123))

const config: AutoencoderConfig = {
  kind: 'vae',
  inputShape: [1, 28, 28],
  latentDim: latent,
  architecture: { type: 'dense', hidden: [hidden] },
  likelihood: 'bernoulli',
}
const name = `vae-784-${hidden}-${latent}`
const checkpointPath = join(out, `${name}.checkpoint.safetensors`)
const weightsPath = join(out, `${name}-mnist.safetensors`)
const resume = existsSync(checkpointPath) ? await readCheckpoint(checkpointPath) : undefined
if (resume !== undefined) console.log(`resuming from ${checkpointPath} at epoch ${resume.epoch}`)
console.log(
  `settings: ${name}, ${trainCount} training images, ${epochs} epochs, batch 100, Adam 1e-3, init key(${seed}), run key(${seed + 1}), dynamic binarisation, test binarised with key(123)`,
)
const result = await trainAutoencoder({
  config,
  params: resume === undefined ? initAutoencoder(config, { key: key(seed) }) : undefined,
  resume,
  data,
  testData: testX,
  epochs,
  batchSize: 100,
  learningRate: 1e-3,
  key: key(seed + 1),
  binarize: 'dynamic',
  evalKey: key(7),
  onProgress: (p) => {
    console.log(
      `epoch ${p.epoch + 1}: train ELBO ${p.trainElbo.toFixed(2)} (rec ${p.trainRec.toFixed(2)}, KL ${p.trainKl.toFixed(2)}), test ELBO ${p.testElbo?.toFixed(2)} (rec ${p.testRec?.toFixed(2)}, KL ${p.testKl?.toFixed(2)}), ${p.examplesPerSecond.toFixed(0)} ex/s, ${p.elapsedSeconds.toFixed(0)} s`,
    )
  },
  onCheckpoint: async (c) => {
    await writeCheckpoint(checkpointPath, c)
    // weights-only file after every epoch too, so an interrupted run still leaves usable weights
    await writeCheckpoint(weightsPath, c, {
      includeOptimizer: false,
      metadata: { status: `after epoch ${c.epoch} of ${epochs}` },
    })
  },
})
const { params } = result
const elbo = evaluateAutoencoder(config, params, testX, { key: key(7) }).elbo
let t0 = performance.now()
const bound = iwaeBound(config, params, testX, { samples: iwaeK, key: key(8) })
const iwae = bound.reduce((a, v) => a + v, 0) / bound.length
console.log(
  `test ELBO ${elbo.toFixed(2)} nats; IWAE k=${iwaeK} ${iwae.toFixed(2)} nats (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
)

t0 = performance.now()
const lenet = await readLenet(lenet5WeightsPath())
const samples = sampleImages(config, params, { count: 2000, key: key(9) })
const { fd, classCounts } = fdLenet(lenet.config, lenet.params, samples, toFloat(test.images, 2000))
console.log(
  `FD-LeNet (2000 samples vs 2000 test images) ${fd.toFixed(2)}; predicted classes ${classCounts.join(' ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
)

const metadata = {
  command: `pnpm train:vae --epochs ${epochs} --hidden ${hidden} --latent ${latent} --train ${trainCount} --seed ${seed} --iwae ${iwaeK}`,
  testElbo: elbo.toFixed(3),
  [`testIwae${iwaeK}`]: iwae.toFixed(3),
  fdLenet: fd.toFixed(3),
}
await writeCheckpoint(weightsPath, result.checkpoint, {
  includeOptimizer: false,
  metadata: { ...metadata, status: 'complete' },
})
console.log(`wrote ${weightsPath}`)
