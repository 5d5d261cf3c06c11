// One yardstick for every MNIST generator: the shipped LeNet-5 of @gen/cnn reads the samples.
// FD-LeNet (Fréchet distance of its penultimate features against as many real test digits;
// it falls like 1/N, so only equal sizes compare), the classifier score (the Inception Score
// with a digit classifier, at most 10) and the histogram of predicted digits with its entropy
// (ln 10 = 2.303 nats when all ten are equally common).
import {
  classifierScore,
  extractFeatures,
  frechetDistance,
  gaussianFit,
  type SequentialConfig,
  type SequentialParams,
  type SequentialState,
} from '@gen/cnn'
import { lenet5WeightsPath, readCheckpoint } from '@gen/cnn/node'
import { fromArray, type Tensor } from '@gen/core-tensor'

/** The normalisation the shipped LeNet-5 was trained with. */
const MEAN = 0.1307
const STD = 0.3081

/** A loaded classifier. */
export interface Lenet {
  readonly config: SequentialConfig
  readonly params: SequentialParams
  readonly state?: SequentialState
}

/** The shipped LeNet-5 (packages/cnn/weights). */
export async function loadLenet(): Promise<Lenet> {
  const { config, params, state } = await readCheckpoint(lenet5WeightsPath())
  return { config, params, state }
}

/** Pixels in [0, 1], `count` images of 784, as LeNet's normalised `[count, 1, 28, 28]` input. */
function lenetInput(pixels: ArrayLike<number>, count: number): Tensor {
  const data = new Float32Array(count * 784)
  for (let i = 0; i < data.length; i++) data[i] = (pixels[i] - MEAN) / STD
  return fromArray(data, { shape: [count, 1, 28, 28] })
}

/** What LeNet sees in a set of images. */
export interface DigitHistogram {
  /** LeNet's class of each image. */
  readonly predictions: Int32Array
  /** Images per predicted digit 0-9. */
  readonly counts: number[]
  /** Entropy of the predicted-digit shares in nats (ln 10 = 2.303 at most). */
  readonly classEntropy: number
  /** Digits predicted for at least 1% of the images. */
  readonly digitsSeen: number
}

/** Classifies `count` images (pixels in [0, 1], 784 each) with LeNet. */
export function classifyDigits(lenet: Lenet, pixels: ArrayLike<number>, count: number): DigitHistogram {
  const x = lenetInput(pixels, count)
  const logits = extractFeatures(lenet.config, lenet.params, x, {
    numLayers: lenet.config.layers.length,
    state: lenet.state,
  })
  x.dispose()
  const predictions = new Int32Array(count)
  const counts = Array.from({ length: logits.dim }, () => 0)
  for (let i = 0; i < count; i++) {
    let best = 0
    for (let c = 1; c < logits.dim; c++)
      if (logits.features[i * logits.dim + c] > logits.features[i * logits.dim + best]) best = c
    predictions[i] = best
    counts[best]++
  }
  let classEntropy = 0
  for (const n of counts) if (n > 0) classEntropy -= (n / count) * Math.log(n / count)
  return { predictions, counts, classEntropy, digitsSeen: counts.filter((n) => n >= 0.01 * count).length }
}

/** Every number {@link scoreDigits} reports. */
export interface DigitScores extends DigitHistogram {
  /** FD-LeNet against the real images (lower is better). */
  readonly frechetDistance: number
  /** exp(E KL(p(y|x) ‖ p(y))), between 1 and 10. */
  readonly classifierScore: number
}

/**
 * Scores generated images against as many real ones with the shipped LeNet-5.
 *
 * @param lenet - from {@link loadLenet}
 * @param samples - `count` generated images, pixels in [0, 1] (784 each)
 * @param real - `count` real images, pixels in [0, 1]
 * @param count - N, the same for both sets
 */
export function scoreDigits(
  lenet: Lenet,
  samples: ArrayLike<number>,
  real: ArrayLike<number>,
  count: number,
): DigitScores {
  const fit = (pixels: ArrayLike<number>) => {
    const x = lenetInput(pixels, count)
    const f = extractFeatures(lenet.config, lenet.params, x, { state: lenet.state })
    x.dispose()
    return gaussianFit(f.features, f.dim)
  }
  const x = lenetInput(samples, count)
  const { score } = classifierScore(lenet.config, lenet.params, x, { state: lenet.state })
  x.dispose()
  return {
    ...classifyDigits(lenet, samples, count),
    frechetDistance: frechetDistance(fit(samples), fit(real)),
    classifierScore: score,
  }
}

/** The first `count` images of an MNIST split as pixels in [0, 1]. */
export function realPixels(images: Uint8Array, count: number, offset = 0): Float32Array {
  return Float32Array.from(images.subarray(offset * 784, (offset + count) * 784), (v) => v / 255)
}
