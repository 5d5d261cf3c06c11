// The diffusion sections of the tour, each trained live on 8 Gaussians (a set whose modes can be
// counted) with an MLP denoiser of @gen/diffusion: flow matching sampled by Heun's method, NCSN
// score matching sampled by annealed Langevin dynamics, and DDPM sampled by its ancestral chain
// and by DDIM. Each gives its picture and its numbers: the energy distance to fresh data beside
// the Gaussian with the data's exact mean and covariance, and the modes hit.
import { fold, type Key } from '@gen/core-tensor'
import { eightGaussians } from '@gen/datasets'
import { initDenoiser, trainDenoiser } from '@gen/diffusion'
import type { ReportBlock, ReportSection } from '@gen/viz'
import {
  sampleToy,
  scatterPng,
  scoreToy,
  TOY_SIGMAS,
  toyConfig,
  toyData,
  toyObjective,
  type ToyMethod,
  type ToyRecipe,
  type ToySampler,
  toyView,
} from '../toy-diffusion.ts'
import type { TourSection } from './section.ts'
import type { TourSize } from './sizes.ts'

/**
 * Training and sampling per tour size. A step of the 3×64 MLP at batch 256 takes about 7 ms of
 * one core, so the three `default` sections take about 25 CPU seconds (measured: flow 7.4,
 * Langevin 10.0, DDPM 7.8) and `quick` about 5; at 1000 steps every family already sits at
 * the energy distance's noise floor on 8 Gaussians (|d| < 0.005 at 1000 samples, 8 of 8 modes).
 */
const SETTINGS = {
  quick: { steps: 400, width: 32, batchSize: 128, evalCount: 300, langevinSteps: 20, odeSteps: 20 },
  default: { steps: 1000, width: 64, batchSize: 256, evalCount: 1000, langevinSteps: 30, odeSteps: 50 },
  full: { steps: 5000, width: 128, batchSize: 256, evalCount: 2000, langevinSteps: 100, odeSteps: 50 },
} as const

const TRAINING_POINTS = 20_000
const DDPM_STEPS = 100

/** One trained family, sampled by one or two samplers. */
interface Drawn {
  readonly sampler: ToySampler
  readonly steps: number
  readonly samples: Float32Array
  readonly seconds: number
}

async function trainAndSample(
  size: TourSize,
  root: Key,
  options: {
    method: ToyMethod
    samplers: readonly { sampler: ToySampler; steps: number }[]
    log: (line: string) => void
  },
) {
  const { method, samplers, log } = options
  const s = SETTINGS[size]
  const recipe: ToyRecipe =
    method === 'ddpm'
      ? { method, numTimesteps: DDPM_STEPS }
      : method === 'score'
        ? { method, sigmas: TOY_SIGMAS }
        : { method }
  const config = toyConfig(recipe, s.width, 3)
  const distribution = eightGaussians()
  log(`diffusion: training ${method} live on 8 Gaussians, ${s.steps} steps of a 3×${s.width} MLP`)
  const started = performance.now()
  const result = await trainDenoiser({
    config,
    params: initDenoiser(config, { key: fold(root, 0) }),
    objective: toyObjective(recipe),
    data: toyData(distribution, TRAINING_POINTS, 0),
    steps: s.steps,
    batchSize: s.batchSize,
    optimizer: { learningRate: 3e-3 },
    emaDecay: 0.995,
    key: fold(root, 1),
    logEvery: s.steps,
  })
  const trainSeconds = (performance.now() - started) / 1000
  const params = result.ema ?? result.params
  const drawn: Drawn[] = samplers.map(({ sampler, steps }, i) => {
    const t0 = performance.now()
    const samples = sampleToy(recipe, config, params, {
      sampler,
      steps,
      count: s.evalCount,
      key: fold(root, 2 + i),
    })
    return { sampler, steps, samples, seconds: (performance.now() - t0) / 1000 }
  })
  return { trainSeconds, finalLoss: result.history.at(-1)?.loss ?? NaN, drawn, distribution }
}

const SAMPLER_NAMES: Record<ToySampler, string> = {
  ddpm: 'DDPM ancestral chain',
  ddim: 'DDIM (η = 0)',
  euler: 'Euler',
  heun: 'Heun',
  'dpm-solver': 'DPM-Solver++(2M)',
  langevin: 'annealed Langevin',
}

/** The blocks and metrics of one family: a table row per sampler and a picture of each. */
async function familySection(
  size: TourSize,
  root: Key,
  options: {
    method: ToyMethod
    title: string
    intro: string
    samplers: readonly { sampler: ToySampler; steps: number }[]
    log: (line: string) => void
  },
): Promise<TourSection> {
  const s = SETTINGS[size]
  const run = await trainAndSample(size, root, options)
  const view = toyView(run.distribution)
  const metrics: Record<string, number> = {
    train_steps: s.steps,
    train_seconds: run.trainSeconds,
    final_loss: run.finalLoss,
  }
  const rows: string[][] = []
  const pictures: ReportBlock[] = []
  for (const [i, d] of run.drawn.entries()) {
    const scores = scoreToy(run.distribution, d.samples, 9 + i)
    const coverage = scores.coverage
    const id = d.sampler.replace('-', '_')
    metrics[`energy_distance_${id}`] = scores.energyDistance
    metrics[`gaussian_energy_distance_${id}`] = scores.gaussianEnergyDistance
    metrics[`data_energy_distance_${id}`] = scores.dataEnergyDistance
    metrics[`modes_hit_${id}`] = coverage?.modesHit ?? NaN
    metrics[`off_mode_fraction_${id}`] = coverage?.farFraction ?? NaN
    metrics[`sample_seconds_${id}`] = d.seconds
    rows.push([
      SAMPLER_NAMES[d.sampler],
      String(d.steps),
      scores.energyDistance.toFixed(4),
      scores.gaussianEnergyDistance.toFixed(4),
      scores.dataEnergyDistance.toFixed(4),
      `${coverage?.modesHit ?? '?'} of 8`,
      `${(100 * (coverage?.farFraction ?? NaN)).toFixed(1)}%`,
      d.seconds.toFixed(1),
    ])
    pictures.push({
      kind: 'image',
      image: scatterPng(scores.reference, d.samples, view, 280),
      caption: `${SAMPLER_NAMES[d.sampler]}, ${d.steps} steps${d.sampler === 'langevin' ? ' per noise level' : ''}: ${s.evalCount} samples (blue) over as many fresh data points (orange). Energy distance ${scores.energyDistance.toFixed(4)}, ${coverage?.modesHit ?? '?'} of 8 modes hit.`,
      scale: 1,
    })
  }
  const report: ReportSection = {
    title: options.title,
    blocks: [
      {
        kind: 'text',
        text: `${options.intro} Trained live in this run: ${s.steps} Adam steps (learning rate 3e-3, batch ${s.batchSize}, EMA 0.995) of a 3×${s.width} ReLU MLP with a sinusoidal time embedding, on ${TRAINING_POINTS} points of 8 Gaussians (radius 2, σ 0.1), in ${run.trainSeconds.toFixed(1)} s; the EMA weights are sampled. The energy distance (Székely & Rizzo) is measured against ${s.evalCount} fresh data points; the Gaussian with the data's exact mean and covariance (a model that learnt only two moments) sets the scale, and another fresh draw of the data the floor: the estimate is unbiased, 0 on average for a perfect sample, so it can come out slightly negative. A mode is hit when at least 2% of the samples lie within 3σ of its centre (Metz et al. 2017). The command gen diffusion train --method ${options.method} trains the same model with your own settings.`,
      },
      {
        kind: 'table',
        caption: `${s.evalCount} samples per sampler, scored against ${s.evalCount} fresh data points`,
        columns: [
          'sampler',
          'steps',
          'energy distance',
          'fitted Gaussian',
          'fresh data',
          'modes hit',
          'off-mode',
          'seconds',
        ],
        rows,
      },
      ...pictures,
    ],
  }
  return { report, metrics }
}

/** Flow matching (Lipman et al. 2023), sampled by Heun's method. */
export function flowSection(size: TourSize, root: Key, log: (line: string) => void): Promise<TourSection> {
  return familySection(size, root, {
    method: 'flow',
    title: 'Flow matching on toy 2-D data (trained live)',
    intro:
      'Flow matching (Lipman et al. 2023; Liu et al. 2023) regresses the velocity x₁ − x₀ of the straight path from a Gaussian noise point x₀ to a data point x₁; sampling integrates that velocity field from noise at t = 0 to data at t = 1, here with Heun\u2019s second-order method.',
    samplers: [{ sampler: 'heun', steps: Math.ceil(SETTINGS[size].odeSteps / 2) }],
    log,
  })
}

/** NCSN denoising score matching (Song & Ermon 2019), sampled by annealed Langevin dynamics. */
export function langevinSection(
  size: TourSize,
  root: Key,
  log: (line: string) => void,
): Promise<TourSection> {
  return familySection(size, root, {
    method: 'score',
    title: 'Score matching and annealed Langevin dynamics on toy 2-D data (trained live)',
    intro: `A noise-conditional score network (Song & Ermon 2019) learns σ · ∇ log p_σ of the data blurred at ${TOY_SIGMAS.length} noise levels, geometric from σ = 2 down to 0.01, by denoising score matching; annealed Langevin dynamics then runs x ← x + (α/2) s(x, σ) + √α z at each level from the largest down (α = ε σ²/σ_L², ε = 2e-5), and ends with one denoising step (Tweedie's formula).`,
    samplers: [{ sampler: 'langevin', steps: SETTINGS[size].langevinSteps }],
    log,
  })
}

/** DDPM (Ho et al. 2020), sampled by its ancestral chain and by DDIM from the same weights. */
export function ddpmSection(size: TourSize, root: Key, log: (line: string) => void): Promise<TourSection> {
  return familySection(size, root, {
    method: 'ddpm',
    title: 'DDPM and DDIM on toy 2-D data (trained live)',
    intro: `A denoising diffusion model (Ho et al. 2020) learns to predict the noise ε in x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε over T = ${DDPM_STEPS} steps of the cosine schedule (Nichol & Dhariwal 2021). The same weights are sampled twice: by the ancestral chain over all ${DDPM_STEPS} steps, and by deterministic DDIM (Song, Meng & Ermon 2021) over fewer, which starts at t = T − 2 because the cosine schedule's clipped last step is a jump DDIM cannot take.`,
    samplers: [
      { sampler: 'ddpm', steps: DDPM_STEPS },
      { sampler: 'ddim', steps: SETTINGS[size].odeSteps },
    ],
    log,
  })
}
