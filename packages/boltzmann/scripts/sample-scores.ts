// Sample quality of an RBM or a DBN, scored with @gen/cnn's shipped LeNet-5: FD-LeNet (Fréchet
// distance of LeNet's penultimate features, Heusel et al. 2017 with LeNet in place of Inception)
// between the samples and the same number of real MNIST test digits, and the entropy of the
// classes LeNet assigns to the samples (ln 10 = 2.303 when all ten digits are equally common).
// Two protocols, never mixed: the grey pictures p(v | h) of the last Gibbs step against the grey
// test digits, and the binary samples v against the stochastically binarised test digits.
import { extractFeatures, frechetDistance, gaussianFit, type GaussianFit } from '@gen/cnn'
import { lenet5WeightsPath, readCheckpoint } from '@gen/cnn/node'
import { argmax, fromArray, noGrad, tidy } from '@gen/core-tensor'
import { applySequential } from '@gen/cnn'

const lenetMean = 0.1307
const lenetStd = 0.3081

export type Lenet = Awaited<ReturnType<typeof readCheckpoint>>

/** The shipped LeNet-5 of @gen/cnn. */
export async function loadLenet(): Promise<Lenet> {
  return readCheckpoint(lenet5WeightsPath())
}

/** Scores of one sample set. */
export interface SampleScores {
  /** FD-LeNet against the real set (equal counts). */
  readonly frechetDistance: number
  /** Fraction of samples LeNet calls each digit. */
  readonly classFractions: number[]
  /** Entropy (nats) of classFractions. */
  readonly classEntropy: number
}

const BATCH = 500

/** LeNet's F6 features and predicted classes of images [count, 784] in [0, 1]. */
function analyse(
  lenet: Lenet,
  images: ArrayLike<number>,
  count: number,
): { fit: GaussianFit; classes: Int32Array } {
  const features: Float64Array[] = []
  let dim = 0
  const classes = new Int32Array(count)
  for (let s = 0; s < count; s += BATCH) {
    const n = Math.min(BATCH, count - s)
    const x = fromArray(
      Float32Array.from({ length: n * 784 }, (_, q) => (images[s * 784 + q] - lenetMean) / lenetStd),
      { shape: [n, 1, 28, 28] },
    )
    const f = extractFeatures(lenet.config, lenet.params, x, { state: lenet.state })
    features.push(f.features)
    dim = f.dim
    const predicted = tidy(() =>
      noGrad(() =>
        argmax(applySequential(lenet.config, lenet.params, x, { state: lenet.state }), { axis: -1 }),
      ),
    )
    classes.set(predicted.dataSync(), s)
    predicted.dispose()
    x.dispose()
  }
  const all = new Float64Array(count * dim)
  let offset = 0
  for (const f of features) {
    all.set(f, offset)
    offset += f.length
  }
  return { fit: gaussianFit(all, dim), classes }
}

/** FD-LeNet of `samples` against `real` (both [count, 784] in [0, 1]) and the class entropy. */
export function scoreSamples(
  lenet: Lenet,
  samples: ArrayLike<number>,
  real: ArrayLike<number>,
  count: number,
): SampleScores {
  const a = analyse(lenet, samples, count)
  const b = analyse(lenet, real, count)
  const counts = new Array<number>(10).fill(0)
  for (const c of a.classes) counts[c] += 1
  const classFractions = counts.map((c) => c / count)
  const classEntropy = -classFractions.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0)
  return { frechetDistance: frechetDistance(a.fit, b.fit), classFractions, classEntropy }
}
