// What `gen diffusion` and the tour's diffusion sections share: the 2-D toy sets, the three
// training families of @gen/diffusion (DDPM, flow matching, NCSN score matching) with the
// samplers that fit each, and the scores of a sample: the energy distance to fresh data (beside
// the Gaussian with the data's exact mean and covariance, and fresh data itself), and for
// 8 Gaussians the mode coverage. Pictures: samples over the data, as PNG and SVG.
import { fromArray, key, type Key, normalFloats, type Tensor } from '@gen/core-tensor'
import { checkerboard, eightGaussians, swissRoll, type ToyDistribution, twoMoons } from '@gen/datasets'
import {
  annealedLangevinSample,
  classifierFreeGuidance,
  cosineSchedule,
  ddimSample,
  ddpmSample,
  type DenoiserParams,
  dpmSolverSample,
  energyDistance,
  evenlySpacedTimesteps,
  flowSample,
  geometricSigmas,
  type MlpDenoiserConfig,
  type NoiseSchedule,
  noisePredictor,
  probabilityFlowSample,
  scoreFunction,
  type TrainingObjective,
  velocityField,
} from '@gen/diffusion'
import { encodePng, scatterPlot } from '@gen/viz'

/** The 2-D sets `--data` takes. */
export const TOY_SETS = {
  'eight-gaussians': eightGaussians,
  'two-moons': twoMoons,
  'swiss-roll': swissRoll,
  checkerboard,
} as const
export type ToySetName = keyof typeof TOY_SETS

/** The 8 centres of `eightGaussians()`: radius 2, angles kπ/4. */
const EIGHT_CENTERS = Array.from(
  { length: 8 },
  (_, k) => [2 * Math.cos((Math.PI * k) / 4), 2 * Math.sin((Math.PI * k) / 4)] as const,
)

/** The training families: DDPM's ε-prediction, flow matching, NCSN denoising score matching. */
export type ToyMethod = 'ddpm' | 'flow' | 'score'
export const TOY_METHODS: readonly ToyMethod[] = ['ddpm', 'flow', 'score']

/** Every sampler `--sampler` names. */
export type ToySampler = 'ddpm' | 'ddim' | 'euler' | 'heun' | 'dpm-solver' | 'langevin'
export const TOY_SAMPLERS: readonly ToySampler[] = ['ddpm', 'ddim', 'euler', 'heun', 'dpm-solver', 'langevin']

/**
 * The samplers that fit each family: a noise predictor drives the DDPM chain, DDIM, the
 * probability-flow ODE (Euler, Heun) and DPM-Solver++; a velocity field is integrated from
 * noise to data (Euler, Heun); a noise-conditional score drives annealed Langevin dynamics.
 */
export const SAMPLERS_OF: Record<ToyMethod, readonly ToySampler[]> = {
  ddpm: ['ddpm', 'ddim', 'euler', 'heun', 'dpm-solver'],
  flow: ['euler', 'heun'],
  score: ['langevin'],
}
export const DEFAULT_SAMPLER: Record<ToyMethod, ToySampler> = {
  ddpm: 'ddim',
  flow: 'heun',
  score: 'langevin',
}

/** Default sampler steps (Langevin: steps per noise level); DDPM's chain runs all T steps. */
export function defaultSamplerSteps(sampler: ToySampler, numTimesteps: number): number {
  switch (sampler) {
    case 'ddpm':
      return numTimesteps
    case 'dpm-solver':
      return Math.min(20, numTimesteps - 1)
    case 'heun':
      return Math.min(25, numTimesteps - 1)
    case 'langevin':
      return 50
    default:
      return Math.min(50, numTimesteps - 1)
  }
}

/**
 * How a model of one family is trained and sampled: the DDPM schedule (cosine, T steps; the
 * toy tests of @gen/diffusion measured it closer to 8 Gaussians than the linear one at
 * T = 100) or the NCSN ladder (geometric from 2, about the data's radius, to 0.01).
 */
export interface ToyRecipe {
  readonly method: ToyMethod
  /** T of the DDPM schedule (ddpm only). */
  readonly numTimesteps?: number
  /** NCSN noise levels, largest first (score only). */
  readonly sigmas?: readonly number[]
}

export function toySchedule(numTimesteps: number): NoiseSchedule {
  return cosineSchedule({ numTimesteps })
}

export const TOY_SIGMAS: readonly number[] = Array.from(geometricSigmas(2, 0.01, 12))

/** The training objective of a recipe. */
export function toyObjective(recipe: ToyRecipe): TrainingObjective {
  if (recipe.method === 'ddpm')
    return { kind: 'diffusion', schedule: toySchedule(recipe.numTimesteps ?? 100), prediction: 'epsilon' }
  if (recipe.method === 'flow') return { kind: 'flow-matching' }
  return { kind: 'score-matching', sigmas: recipe.sigmas ?? TOY_SIGMAS }
}

/**
 * The MLP of a recipe: `depth` hidden layers of `width` ReLU units (about four times cheaper
 * than SiLU on the cpu backend, and as good on the 2-D sets), a 32-wide time embedding. DDPM
 * sees integer steps 0 … T−1, flow times and noise-level fractions lie in [0, 1].
 */
export function toyConfig(
  recipe: ToyRecipe,
  width: number,
  depth: number,
  numClasses?: number,
): MlpDenoiserConfig {
  return {
    ...(numClasses === undefined ? {} : { numClasses }),
    kind: 'mlp',
    dataDim: 2,
    hidden: new Array<number>(depth).fill(width),
    embedDim: 32,
    activation: 'relu',
    timeScale: recipe.method === 'ddpm' ? 1000 / (recipe.numTimesteps ?? 100) : 1000,
  }
}

/** `count` points of a toy set as a `[count, 2]` float32 tensor. */
export function toyData(distribution: ToyDistribution, count: number, seed: number): Tensor {
  return fromArray(Float32Array.from(distribution.sample(count, { seed })), { shape: [count, 2] })
}

/** Options of {@link sampleToy}. */
export interface ToySampleOptions {
  readonly sampler: ToySampler
  /** Sampler steps (Langevin: steps per level). */
  readonly steps: number
  readonly count: number
  readonly key: Key
  /** Langevin step size ε (default 2e-5, Song & Ermon 2019 with σ_L = 0.01). */
  readonly stepSize?: number
  /** Called after every sampler update (progress). */
  readonly onStep?: (step: number, total: number) => void
  /**
   * A conditional model's class for every sample; absent: the null label (an unconditional
   * sample of a conditional model), or nothing for an unconditional one.
   */
  readonly label?: number
  /** Classifier-free guidance scale w with `label`: ε_u + w (ε_c − ε_u); default 1 (the conditional model). */
  readonly guidance?: number
}

/** Draws `count` 2-D points from a trained denoiser with one of its family's samplers. */
export function sampleToy(
  recipe: ToyRecipe,
  config: MlpDenoiserConfig,
  params: DenoiserParams,
  options: ToySampleOptions,
): Float32Array {
  const { sampler, steps, key: k } = options
  const shape = [options.count, 2]
  const onStep =
    options.onStep && ((s: { step: number; numSteps: number }) => options.onStep?.(s.step + 1, s.numSteps))
  // the model function of the family with a label bound: the class asked for, or the null
  // label (numClasses); classifier-free guidance mixes the two (Ho & Salimans 2021)
  const numClasses = config.numClasses
  const guided = <TTime>(bind: (labels: number | undefined) => (x: Tensor, t: TTime) => Tensor) => {
    if (numClasses === undefined) return bind(undefined)
    if (options.label === undefined) return bind(numClasses)
    const scale = options.guidance ?? 1
    return scale === 1
      ? bind(options.label)
      : classifierFreeGuidance(bind(options.label), bind(numClasses), scale)
  }
  let x: Tensor
  if (recipe.method === 'flow') {
    x = flowSample(
      guided((labels) => velocityField(config, params, labels === undefined ? {} : { labels })),
      {
        key: k,
        shape,
        numSteps: steps,
        method: sampler === 'euler' ? 'euler' : 'heun',
        onStep,
      },
    )
  } else if (recipe.method === 'score') {
    const sigmas = recipe.sigmas ?? TOY_SIGMAS
    x = annealedLangevinSample(
      guided((labels) =>
        scoreFunction(config, params, labels === undefined ? { sigmas } : { sigmas, labels }),
      ),
      {
        sigmas,
        key: k,
        shape,
        stepsPerLevel: steps,
        stepSize: options.stepSize ?? 2e-5,
        onStep,
      },
    )
  } else {
    const T = recipe.numTimesteps ?? 100
    const schedule = toySchedule(T)
    const model = guided((labels) => noisePredictor(config, params, labels === undefined ? {} : { labels }))
    // The deterministic samplers start at T − 2: the cosine schedule's clipped last step
    // (ᾱ from about 2e-4 to 2e-6) is a jump that divides the x₀ prediction by √ᾱ ≈ 1e-3, and
    // blew DDIM, Euler and DPM-Solver up (energy distance 0.85 against 0.011 for the DDPM chain
    // on 8 Gaussians); see probabilityFlowSample. The DDPM chain's posterior handles it.
    const timesteps = sampler === 'ddpm' ? [] : Array.from(evenlySpacedTimesteps(T - 1, steps))
    if (sampler === 'ddpm') x = ddpmSample(model, { schedule, key: k, shape, onStep })
    else if (sampler === 'ddim') x = ddimSample(model, { schedule, key: k, shape, timesteps, onStep })
    else if (sampler === 'dpm-solver')
      x = dpmSolverSample(model, { schedule, key: k, shape, timesteps, onStep })
    else
      x = probabilityFlowSample(model, {
        schedule,
        key: k,
        shape,
        method: sampler === 'euler' ? 'euler' : 'heun',
        timesteps,
        onStep,
      })
  }
  const values = Float32Array.from(x.dataSync())
  x.dispose()
  return values
}

/**
 * The mode of each 8-Gaussians point (its nearest centre, 0 … 7), the class labels of a
 * conditional model: the modes are 20σ apart, so the nearest centre is the component that drew
 * the point, up to a chance below 1e-80.
 */
export function eightGaussiansLabels(points: ArrayLike<number>): Int32Array {
  const labels = new Int32Array(points.length / 2)
  for (let i = 0; i < labels.length; i++) {
    const angle = Math.atan2(points[2 * i + 1], points[2 * i])
    labels[i] = (Math.round(angle / (Math.PI / 4)) + 8) % 8
  }
  return labels
}

/**
 * Scores a class-conditional sample of 8 Gaussians: the share within 3σ of the mode asked for,
 * and the energy distance to as many points of that mode alone, N(c_k, 0.1² I).
 */
export function scoreEightGaussiansClass(
  samples: Float32Array,
  label: number,
  referenceSeed: number,
): { classFraction: number; classEnergyDistance: number; reference: Float64Array } {
  const n = samples.length / 2
  const [cx, cy] = EIGHT_CENTERS[label]
  const z = normalFloats(key(referenceSeed), 2 * n, 'float64')
  const reference = Float64Array.from(z, (v, i) => (i % 2 === 0 ? cx : cy) + 0.1 * v)
  let inside = 0
  for (let i = 0; i < n; i++) if (Math.hypot(samples[2 * i] - cx, samples[2 * i + 1] - cy) <= 0.3) inside += 1
  return { classFraction: inside / n, classEnergyDistance: energyDistance(samples, reference, 2), reference }
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

/** Mode coverage of a sample on 8 Gaussians (Metz et al. 2017; Gulrajani et al. 2017 §5.1). */
export interface ModeCoverage {
  /** Samples within 3σ (0.3) of each of the 8 centres. */
  readonly counts: readonly number[]
  /** Modes that hold at least 2% of the samples. */
  readonly modesHit: number
  /** Fraction of samples farther than 3σ from every centre. */
  readonly farFraction: number
}

/** {@link ModeCoverage} of 2-D points against the 8 centres (radius 0.3 = 3σ, 2% of the samples). */
export function eightGaussiansCoverage(samples: ArrayLike<number>): ModeCoverage {
  const n = samples.length / 2
  const counts = new Array<number>(8).fill(0)
  let far = 0
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestDistance = Infinity
    EIGHT_CENTERS.forEach(([cx, cy], k) => {
      const d = Math.hypot(samples[2 * i] - cx, samples[2 * i + 1] - cy)
      if (d < bestDistance) {
        bestDistance = d
        best = k
      }
    })
    if (bestDistance <= 0.3) counts[best] += 1
    else far += 1
  }
  return { counts, modesHit: counts.filter((c) => c >= 0.02 * n).length, farFraction: far / n }
}

/** The scores of a 2-D sample against its distribution. */
export interface ToyScores {
  /** Energy distance (Székely & Rizzo; the unbiased U-statistic) to as many fresh data points. */
  readonly energyDistance: number
  /** The same for a sample of the Gaussian with the data's exact mean and covariance. */
  readonly gaussianEnergyDistance: number
  /**
   * The same for another fresh draw of the data: the estimate's noise floor at this N (the
   * U-statistic is 0 on average for a perfect sample, and may come out negative).
   */
  readonly dataEnergyDistance: number
  /** energyDistance / gaussianEnergyDistance: 1 for a model that learnt only two moments. */
  readonly ratio: number
  /** Mode coverage (8 Gaussians only). */
  readonly coverage?: ModeCoverage
  /** The fresh data points the sample was scored against. */
  readonly reference: Float64Array
}

/**
 * Scores `samples` against `samples.length / 2` fresh points of the distribution drawn with
 * `referenceSeed`: the energy distance beside that of the fitted Gaussian and of another fresh
 * draw of the data, and mode coverage for 8 Gaussians.
 */
export function scoreToy(
  distribution: ToyDistribution,
  samples: Float32Array,
  referenceSeed: number,
): ToyScores {
  const n = samples.length / 2
  const reference = distribution.sample(n, { seed: referenceSeed })
  const energy = energyDistance(samples, reference, 2)
  const gaussian = energyDistance(fittedGaussian(distribution, n, key(referenceSeed + 1)), reference, 2)
  const data = energyDistance(distribution.sample(n, { seed: referenceSeed + 2 }), reference, 2)
  return {
    energyDistance: energy,
    gaussianEnergyDistance: gaussian,
    dataEnergyDistance: data,
    ratio: energy / gaussian,
    ...(distribution.name === 'eight-gaussians' ? { coverage: eightGaussiansCoverage(samples) } : {}),
    reference,
  }
}

/** The square window a picture shows: x and y ranges of equal length. */
export interface ToyView {
  readonly x: readonly [number, number]
  readonly y: readonly [number, number]
}

/**
 * A square window around the data's mean, ±2.5 of its larger standard deviation (the swiss
 * roll's outer arm reaches 2.2σ), so every picture of a set agrees.
 */
export function toyView(distribution: ToyDistribution): ToyView {
  const [[sxx], [, syy]] = distribution.covariance
  const half = 2.5 * Math.sqrt(Math.max(sxx, syy))
  const [mx, my] = distribution.mean
  return { x: [mx - half, mx + half], y: [my - half, my + half] }
}

/**
 * Samples over data as a PNG: `size`² pixels, the data in light orange, the samples in blue on top
 * (Tableau 10), 3-pixel dots, a legend in the top-left corner; points outside the view are left
 * out.
 */
export function scatterPng(
  data: ArrayLike<number>,
  samples: ArrayLike<number>,
  view: ToyView,
  size = 320,
): Uint8Array {
  const pixels = new Uint8Array(size * size * 3).fill(255)
  const [x0, x1] = view.x
  const [y0, y1] = view.y
  const dot = (points: ArrayLike<number>, rgb: readonly [number, number, number]) => {
    for (let i = 0; i + 1 < points.length; i += 2) {
      const px = Math.round(((points[i] - x0) / (x1 - x0)) * (size - 1))
      const py = Math.round(((y1 - points[i + 1]) / (y1 - y0)) * (size - 1))
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx
          const y = py + dy
          if (x < 0 || y < 0 || x >= size || y >= size) continue
          pixels.set(rgb, (y * size + x) * 3)
        }
    }
  }
  dot(data, DATA_RGB)
  dot(samples, SAMPLES_RGB)
  drawLegend(pixels, size)
  return encodePng({ width: size, height: size, channels: 3, data: pixels })
}

const DATA_RGB = [255, 187, 120] as const
const SAMPLES_RGB = [31, 119, 180] as const

/** 3×5 capitals, row by row (bit 2 is the left column): just the letters the legend spells. */
const GLYPHS: Record<string, readonly number[]> = {
  A: [0b010, 0b101, 0b111, 0b101, 0b101],
  D: [0b110, 0b101, 0b101, 0b101, 0b110],
  E: [0b111, 0b100, 0b110, 0b100, 0b111],
  L: [0b100, 0b100, 0b100, 0b100, 0b111],
  M: [0b101, 0b111, 0b111, 0b101, 0b101],
  P: [0b110, 0b101, 0b110, 0b100, 0b100],
  S: [0b011, 0b100, 0b010, 0b001, 0b110],
  T: [0b111, 0b010, 0b010, 0b010, 0b010],
}

/**
 * The PNG's legend in its top-left corner, on white: a blue square and SAMPLES, an orange one
 * and DATA, in 2×-scaled 3×5 letters (the SVG has the same legend in text).
 */
function drawLegend(pixels: Uint8Array, size: number): void {
  const box = (x0: number, y0: number, [w, h]: readonly [number, number], rgb: readonly number[]) => {
    for (let y = y0; y < Math.min(size, y0 + h); y++)
      for (let x = x0; x < Math.min(size, x0 + w); x++) pixels.set(rgb, (y * size + x) * 3)
  }
  box(4, 4, [82, 34], [255, 255, 255])
  const entries = [
    ['SAMPLES', SAMPLES_RGB],
    ['DATA', DATA_RGB],
  ] as const
  entries.forEach(([word, rgb], row) => {
    const top = 8 + row * 14
    box(8, top, [10, 10], rgb)
    ;[...word].forEach((letter, i) => {
      GLYPHS[letter].forEach((bits, gy) => {
        for (let gx = 0; gx < 3; gx++)
          if (bits & (0b100 >> gx)) box(24 + i * 8 + gx * 2, top + gy * 2, [2, 2], [64, 64, 64])
      })
    })
  })
}

/** Samples over data as an SVG scatter plot with a legend. */
export function scatterSvg(
  data: ArrayLike<number>,
  samples: ArrayLike<number>,
  view: ToyView,
  title: string,
): string {
  const inView = (points: ArrayLike<number>) => {
    const kept: number[] = []
    for (let i = 0; i + 1 < points.length; i += 2)
      if (
        points[i] >= view.x[0] &&
        points[i] <= view.x[1] &&
        points[i + 1] >= view.y[0] &&
        points[i + 1] <= view.y[1]
      )
        kept.push(points[i], points[i + 1])
    return kept
  }
  const d = inView(data)
  const s = inView(samples)
  const xy = [...d, ...s]
  return scatterPlot(
    {
      x: xy.filter((_, i) => i % 2 === 0),
      y: xy.filter((_, i) => i % 2 === 1),
      classes: [...new Array<number>(d.length / 2).fill(7), ...new Array<number>(s.length / 2).fill(0)],
    },
    {
      title,
      xRange: view.x,
      yRange: view.y,
      width: 480,
      height: 480,
      radius: 1.6,
      opacity: 0.6,
      classNames: ['samples', '', '', '', '', '', '', 'data'],
    },
  )
}

/** Points as CSV `x,y`, one a line. */
export function pointsCsv(points: ArrayLike<number>): string {
  const lines = ['x,y']
  for (let i = 0; i + 1 < points.length; i += 2) lines.push(`${points[i]},${points[i + 1]}`)
  return `${lines.join('\n')}\n`
}
