// Shared harness of the toy-data learning tests and scripts/toy-bench.ts: train one family
// (DDPM, flow matching, NCSN score matching) on a 2-D distribution with the MLP denoiser,
// sample it, and score the samples: energy distance to fresh data against a single Gaussian
// fitted to the data (its exact mean and covariance), and mode coverage on 8 Gaussians.
import { fromArray, key, normalFloats, type Key } from '@gen/core-tensor'
import type { ToyDistribution } from '@gen/datasets'
import {
  annealedLangevinSample,
  ddpmSample,
  energyDistance,
  flowSample,
  geometricSigmas,
  initDenoiser,
  cosineSchedule,
  type MlpDenoiserConfig,
  noisePredictor,
  scoreFunction,
  trainDenoiser,
  type TrainingObjective,
  velocityField,
} from '../src/index'

export type ToyFamily = 'ddpm' | 'flow' | 'score'

export interface ToyRun {
  readonly family: ToyFamily
  readonly distribution: ToyDistribution
  readonly hidden: readonly number[]
  readonly steps: number
  readonly batchSize: number
  readonly learningRate: number
  /** Training points drawn from the distribution (seed 0). */
  readonly trainCount?: number
  /** Samples scored, and the fresh data they are scored against (seed 9). */
  readonly evalCount?: number
  /** EMA decay of the weights; the EMA is what gets sampled. */
  readonly emaDecay?: number
  readonly seed?: number
  readonly activation?: 'silu' | 'relu'
}

export interface ToyResult {
  readonly samples: Float32Array
  readonly energy: number
  readonly gaussianEnergy: number
  readonly ratio: number
  readonly trainSeconds: number
  readonly sampleSeconds: number
  readonly finalLoss: number
}

/**
 * DDPM: the cosine schedule over T = 100 steps, all of them sampled. (Measured at 800 steps of
 * a 3×64 MLP: the linear schedule at T = 100 or 1000 left 82% of the samples off the modes,
 * the cosine one 62%; it spends more of training at the low noise levels where the 0.1-wide
 * modes are resolved.)
 */
export const toySchedule = cosineSchedule({ numTimesteps: 100 })
/** NCSN ladder: 12 levels, geometric from 2 (about the data's diameter / 2) down to 0.01. */
export const toySigmas = geometricSigmas(2, 0.01, 12)

function objectiveOf(family: ToyFamily): TrainingObjective {
  if (family === 'ddpm') return { kind: 'diffusion', schedule: toySchedule, prediction: 'epsilon' }
  if (family === 'flow') return { kind: 'flow-matching' }
  return { kind: 'score-matching', sigmas: toySigmas }
}

/** A sample of the Gaussian with the distribution's exact mean and covariance (Cholesky). */
export function fittedGaussian(distribution: ToyDistribution, count: number, k: Key): Float64Array {
  const [[sxx, sxy], [, syy]] = distribution.covariance
  const l11 = Math.sqrt(sxx)
  const l21 = sxy / l11
  const l22 = Math.sqrt(syy - l21 * l21)
  const z = normalFloats(k, 2 * count, 'float64')
  const out = new Float64Array(2 * count)
  for (let i = 0; i < count; i++) {
    out[2 * i] = distribution.mean[0] + l11 * z[2 * i]
    out[2 * i + 1] = distribution.mean[1] + l21 * z[2 * i] + l22 * z[2 * i + 1]
  }
  return out
}

export async function trainToy(run: ToyRun): Promise<ToyResult> {
  const { family, distribution } = run
  const trainCount = run.trainCount ?? 20_000
  const evalCount = run.evalCount ?? 1000
  const seed = run.seed ?? 0
  const data = fromArray(distribution.sample(trainCount, { seed: 0 }), { shape: [trainCount, 2] })
  const config: MlpDenoiserConfig = {
    kind: 'mlp',
    dataDim: 2,
    hidden: run.hidden,
    embedDim: 32,
    activation: run.activation ?? 'silu',
    // DDPM sees integer steps 0 … 99; flow times and noise-level times lie in [0, 1]
    timeScale: family === 'ddpm' ? 1000 / toySchedule.numTimesteps : 1000,
  }
  const trainStart = performance.now()
  const result = await trainDenoiser({
    config,
    params: initDenoiser(config, { key: key(seed) }),
    objective: objectiveOf(family),
    data,
    steps: run.steps,
    batchSize: run.batchSize,
    optimizer: { learningRate: run.learningRate },
    emaDecay: run.emaDecay ?? 0.995,
    key: key(seed + 1),
    logEvery: run.steps,
  })
  const trainSeconds = (performance.now() - trainStart) / 1000
  const params = result.ema ?? result.params
  const sampleStart = performance.now()
  const shape = [evalCount, 2]
  const sampleKey = key(seed + 2)
  const x =
    family === 'ddpm'
      ? ddpmSample(noisePredictor(config, params), { schedule: toySchedule, key: sampleKey, shape })
      : family === 'flow'
        ? flowSample(velocityField(config, params), { key: sampleKey, shape, numSteps: 50, method: 'heun' })
        : annealedLangevinSample(scoreFunction(config, params, { sigmas: toySigmas }), {
            sigmas: toySigmas,
            key: sampleKey,
            shape,
            stepsPerLevel: 50,
            stepSize: 2e-5,
          })
  const samples = x.dataSync() as Float32Array
  const sampleSeconds = (performance.now() - sampleStart) / 1000
  const reference = distribution.sample(evalCount, { seed: 9 })
  const gaussianEnergy = energyDistance(fittedGaussian(distribution, evalCount, key(77)), reference, 2)
  const energy = energyDistance(samples, reference, 2)
  return {
    samples,
    energy,
    gaussianEnergy,
    ratio: energy / gaussianEnergy,
    trainSeconds,
    sampleSeconds,
    finalLoss: result.history.at(-1)?.loss ?? NaN,
  }
}

export interface ModeCoverage {
  /** Samples within `radius` of each centre. */
  readonly counts: readonly number[]
  /** Modes holding at least `minFraction` of the samples. */
  readonly covered: number
  /** Fraction of samples farther than `radius` from every centre. */
  readonly farFraction: number
}

/**
 * Mode coverage of a 2-D sample (Metz et al. 2017; Gulrajani et al. 2017 §5.1): a sample
 * belongs to a mode when it lies within `radius` (3σ of the mixture) of its centre; a mode is
 * covered when at least `minFraction` of the samples belong to it.
 */
export function modeCoverage(
  samples: ArrayLike<number>,
  centers: readonly (readonly [number, number])[],
  options: { readonly radius: number; readonly minFraction?: number },
): ModeCoverage {
  const { radius, minFraction = 0.02 } = options
  const n = samples.length / 2
  const counts = new Array<number>(centers.length).fill(0)
  let far = 0
  for (let i = 0; i < n; i++) {
    let best = -1
    let bestDistance = Infinity
    centers.forEach(([cx, cy], k) => {
      const d = Math.hypot(samples[2 * i] - cx, samples[2 * i + 1] - cy)
      if (d < bestDistance) {
        bestDistance = d
        best = k
      }
    })
    if (bestDistance <= radius) counts[best] += 1
    else far += 1
  }
  return { counts, covered: counts.filter((c) => c >= minFraction * n).length, farFraction: far / n }
}

/** The 8 centres of `eightGaussians()`: radius 2, angles kπ/4. */
export const eightCenters = Array.from(
  { length: 8 },
  (_, k) => [2 * Math.cos((Math.PI * k) / 4), 2 * Math.sin((Math.PI * k) / 4)] as const,
)
