// Scores 28×28 generator samples with the shipped LeNet-5 of @gen/cnn: FD-LeNet against real
// images (equal set sizes, case P21), the classifier score, the predicted-class histogram and
// its entropy, and, for a conditional generator, how often the requested digit comes out.
import { add, argmax, div, fromArray, noGrad, slice, sub, Tensor, tidy } from '@gen/core-tensor'
import {
  applySequential,
  classifierScore,
  extractFeatures,
  frechetDistance,
  gaussianFit,
  type GaussianFit,
} from '@gen/cnn'
import { lenet5WeightsPath, readCheckpoint } from '@gen/cnn/node'

const lenetMean = 0.1307
const lenetStd = 0.3081

export type Lenet = Awaited<ReturnType<typeof readCheckpoint>>

export async function loadLenet(): Promise<Lenet> {
  return readCheckpoint(lenet5WeightsPath())
}

/** GAN images in [−1, 1] → LeNet's input normalisation, `((x + 1)/2 − 0.1307)/0.3081`. */
export function toLenetInput(images: Tensor): Tensor {
  return tidy(() => div(sub(div(add(images, 1), 2), lenetMean), lenetStd))
}

/** Real MNIST bytes `[count·784]` → `[count, 1, 28, 28]` in [−1, 1]. */
export function realImages(bytes: Uint8Array, start: number, count: number): Tensor {
  const data = new Float32Array(count * 784)
  for (let i = 0; i < count * 784; i++) data[i] = bytes[start * 784 + i] / 127.5 - 1
  return fromArray(data, { shape: [count, 1, 28, 28] })
}

export interface SampleScores {
  /** FD-LeNet between the samples and the real set. */
  readonly frechetDistance: number
  readonly classifierScore: number
  /** Fraction of samples predicted as each digit. */
  readonly classFractions: number[]
  /** Entropy (nats) of classFractions; ln 10 = 2.303 for a uniform spread. */
  readonly classEntropy: number
  /** Fraction predicted as the requested label (when labels are given). */
  readonly labelAccuracy?: number
}

export function predictedClasses(lenet: Lenet, images: Tensor): Int32Array {
  const out = new Int32Array(images.shape[0])
  const batch = 500
  for (let s = 0; s < images.shape[0]; s += batch) {
    const count = Math.min(batch, images.shape[0] - s)
    const predicted = tidy(() =>
      noGrad(() => {
        const x = slice(images, [{ start: s, stop: s + count }])
        return argmax(applySequential(lenet.config, lenet.params, toLenetInput(x), { state: lenet.state }), {
          axis: -1,
        })
      }),
    )
    out.set(predicted.dataSync(), s)
    predicted.dispose()
  }
  return out
}

/** The Gaussian of LeNet's penultimate (F6) features of images in [−1, 1]. */
export function featureFit(lenet: Lenet, images: Tensor): GaussianFit {
  const x = toLenetInput(images)
  const f = extractFeatures(lenet.config, lenet.params, x, { state: lenet.state })
  x.dispose()
  return gaussianFit(f.features, f.dim)
}

/**
 * Scores samples (in [−1, 1]) against real images (in [−1, 1], or their {@link featureFit})
 * of the same count.
 */
export function scoreSamples(
  lenet: Lenet,
  samples: Tensor,
  real: Tensor | GaussianFit,
  labels?: Int32Array,
): SampleScores {
  const realFit = real instanceof Tensor ? featureFit(lenet, real) : real
  const distance = frechetDistance(featureFit(lenet, samples), realFit)
  const a = toLenetInput(samples)
  const options = { state: lenet.state }
  const score = classifierScore(lenet.config, lenet.params, a, options).score
  const predicted = predictedClasses(lenet, samples)
  const counts = new Array<number>(10).fill(0)
  let hits = 0
  predicted.forEach((c, i) => {
    counts[c] += 1
    if (labels?.[i] === c) hits += 1
  })
  const classFractions = counts.map((c) => c / predicted.length)
  const classEntropy = -classFractions.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0)
  a.dispose()
  return {
    frechetDistance: distance,
    classifierScore: score,
    classFractions,
    classEntropy,
    ...(labels === undefined ? {} : { labelAccuracy: hits / predicted.length }),
  }
}
