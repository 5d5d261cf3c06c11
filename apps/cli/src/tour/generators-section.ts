// The generators section of the tour: samples of the shipped VAE and DCGAN, a VAE's
// reconstructions, and one table that scores every generator with the same classifier (the
// shipped LeNet-5) at the same sample size, next to real digits.
import { binarize, evaluateAutoencoder, reconstruct, sampleImages as vaeSamples } from '@gen/autoencoder'
import { readCheckpoint as readVae, vaeWeightsPath } from '@gen/autoencoder/node'
import {
  classifierScore,
  extractFeatures,
  frechetClassifierDistance,
  type SequentialConfig,
  type SequentialParams,
} from '@gen/cnn'
import { lenet5WeightsPath, readCheckpoint as readLenet } from '@gen/cnn/node'
import { fold, fromArray, type Key, type Tensor } from '@gen/core-tensor'
import type { LabeledImages } from '@gen/datasets'
import { sampleImages as ganSamples } from '@gen/gan'
import { dcganWeightsPath, readGanCheckpoint } from '@gen/gan/node'
import { imageGrid, type ReportSection } from '@gen/viz'
import type { GeneratorSamples } from './boltzmann-section.ts'
import type { TourSection } from './section.ts'
import type { TourSize } from './sizes.ts'

// every generator is scored on this many samples against as many real test digits: FD falls
// like 1/N (see @gen/cnn), so only equal sizes compare
export const SCORED_SAMPLES = { quick: 1000, default: 2000, full: 10000 } as const
const mean = 0.1307
const std = 0.3081

/** Pixels in [0, 1], `[N, 784]` or `[N, 1, 28, 28]`, as LeNet's normalised `[N, 1, 28, 28]` input. */
function lenetInput(pixels: ArrayLike<number>, count: number): Tensor {
  return fromArray(
    Float32Array.from(pixels, (v) => (v - mean) / std),
    { shape: [count, 1, 28, 28] },
  )
}

/** Entropy (nats) of the histogram of LeNet's predicted classes, and the rarest class's share. */
function classHistogram(config: SequentialConfig, params: SequentialParams, images: Tensor) {
  const { features, count, dim } = extractFeatures(config, params, images, {
    numLayers: config.layers.length,
  })
  const counts = new Float64Array(dim)
  for (let i = 0; i < count; i++) {
    let best = 0
    for (let c = 1; c < dim; c++) if (features[i * dim + c] > features[i * dim + best]) best = c
    counts[best]++
  }
  let entropy = 0
  for (const n of counts) if (n > 0) entropy -= (n / count) * Math.log(n / count)
  return { entropy, rarest: Math.min(...counts) / count }
}

/**
 * Runs the generators part of the tour from the shipped weights and returns its section.
 *
 * @param size - how many samples to score
 * @param root - key the section draws from
 * @param mnist - the MNIST splits (real digits for the baseline and reconstructions)
 * @param options - `log`, where progress lines go, and `others`: samples of generators that
 *   earlier sections made (the RBM and DBN), each {@link SCORED_SAMPLES}[size] images in
 *   [0, 1], scored in the same table
 */
export async function generatorsSection(
  size: TourSize,
  root: Key,
  mnist: { train: LabeledImages; test: LabeledImages },
  options: { log: (line: string) => void; others?: readonly GeneratorSamples[] },
): Promise<TourSection> {
  const { log, others = [] } = options
  const n = SCORED_SAMPLES[size]
  const lenet = await readLenet(lenet5WeightsPath())
  const realPixels = (set: LabeledImages, offset: number) =>
    Float32Array.from(set.images.subarray(offset * 784, (offset + n) * 784), (v) => v / 255)
  const realTest = lenetInput(realPixels(mnist.test, 0), n)

  log(`generators: the shipped VAE and DCGAN, ${n} samples each, scored by the shipped LeNet-5`)
  const vae = await readVae(vaeWeightsPath())
  const vaeDrawn = vaeSamples(vae.config, vae.params, { count: n, key: fold(root, 1) })
  const vaePixels = vaeDrawn.dataSync()
  const testX = fromArray(realPixels(mnist.test, 0).subarray(0, 500 * 784), { shape: [500, 784] })
  const testBits = binarize(testX, fold(root, 2))
  const { elbo } = evaluateAutoencoder(vae.config, vae.params, testBits, { key: fold(root, 3) })
  const recon = reconstruct(vae.config, vae.params, testBits)

  const gan = await readGanCheckpoint(dcganWeightsPath())
  const ganDrawn = ganSamples(gan.config, gan.ema ?? gan.generator, {
    key: fold(root, 5),
    count: n,
    state: gan.generatorState,
  })

  const rows: string[][] = []
  const metrics: Record<string, number> = { scored_samples: n }
  const score = (name: string, images: Tensor, source: string) => {
    const fd = frechetClassifierDistance(lenet.config, lenet.params, [realTest, images])
    const { score: cs } = classifierScore(lenet.config, lenet.params, images)
    const { entropy, rarest } = classHistogram(lenet.config, lenet.params, images)
    rows.push([
      name,
      source,
      fd.toFixed(1),
      cs.toFixed(2),
      entropy.toFixed(3),
      `${(100 * rarest).toFixed(1)}%`,
    ])
    const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '_')
    metrics[`fd_lenet_${id}`] = fd
    metrics[`class_entropy_${id}`] = entropy
  }
  score('Real training digits', lenetInput(realPixels(mnist.train, 0), n), 'MNIST train')
  score('VAE 784-400-20', lenetInput(vaePixels, n), 'shipped weights')
  score('DCGAN', lenetInput(ganDrawn.data, n), 'shipped weights')
  for (const other of others) {
    if (other.pixels.length !== n * 784)
      throw new Error(`${other.name}: the table scores ${n} samples, got ${other.pixels.length / 784}`)
    score(other.name, lenetInput(other.pixels, n), other.source)
  }
  metrics.vae_test_elbo_500 = elbo

  const tile = (pixels: ArrayLike<number>, count: number) => ({
    data: Float32Array.from(pixels).subarray(0, count * 784),
    shape: [count, 28, 28] as const,
  })
  const pairs: number[] = []
  const original = testX.dataSync()
  const rebuilt = recon.dataSync()
  for (let k = 0; k < 10; k++) pairs.push(...original.subarray(k * 784, (k + 1) * 784))
  for (let k = 0; k < 10; k++) pairs.push(...rebuilt.subarray(k * 784, (k + 1) * 784))

  const report: ReportSection = {
    title: 'Generative models: VAE and GAN samples, every generator scored alike',
    blocks: [
      {
        kind: 'text',
        text: `The VAE and the DCGAN are loaded from the weights their packages' own training commands produced (packages/autoencoder/weights and packages/gan/weights, each with its command, seed and log)${others.length > 0 ? `; the ${others.map((o) => o.name).join(' and ')} rows are the samples of the Boltzmann section above` : ''}. Every row of the table is scored on ${n} images against the first ${n} MNIST test digits with the shipped LeNet-5: FD-LeNet (the Fréchet distance of its penultimate features, lower is better; it falls like 1/N, so only equal sizes compare), the classifier score (Inception-score analogue, at most 10) and the entropy of the predicted-class histogram (ln 10 = 2.303 when every digit is equally common).`,
      },
      {
        kind: 'table',
        caption: `Every generator on the same metric, ${n} samples each`,
        columns: ['model', 'from', 'FD-LeNet', 'classifier score', 'class entropy (nats)', 'rarest digit'],
        rows,
      },
      {
        kind: 'image',
        image: imageGrid(tile(vaePixels, 40), { columns: 10, gap: 2, range: '0..1' }),
        caption: `VAE (Kingma & Welling 2014), 784-400-20, Bernoulli decoder: decoder means for z ~ N(0, I). Its test ELBO on 500 binarised test digits: ${elbo.toFixed(2)} nats.`,
        scale: 2,
      },
      {
        kind: 'image',
        image: imageGrid(
          { data: Float32Array.from(pairs), shape: [20, 28, 28] },
          { columns: 10, gap: 2, range: '0..1' },
        ),
        caption: 'VAE reconstructions: test digits (top) and the decoder mean of their encodings (bottom).',
        scale: 2,
      },
      {
        kind: 'image',
        image: imageGrid(
          { data: ganDrawn.data.subarray(0, 40 * 784), shape: [40, 28, 28] },
          { columns: 10, gap: 2, range: '0..1' },
        ),
        caption: 'DCGAN (Radford et al. 2016) generator samples, from the EMA of its weights.',
        scale: 2,
      },
    ],
  }
  return { report, metrics }
}
