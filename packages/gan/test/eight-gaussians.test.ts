// Learning 8 Gaussians (Gulrajani et al. 2017 §5.1; Metz et al. 2017): mode coverage (a sample
// belongs to a mode within 3σ; a mode is covered with at least 1/32 of the samples) and the
// energy distance to fresh data, against a single Gaussian fitted to the data (its exact
// mean and covariance), over training. Reduced form (CI): the plain non-saturating GAN and a
// short WGAN-GP run, and a conditional GAN asked for each mode. Full form (GEN_TEST_FULL=1): a
// longer WGAN-GP run that must cover ≥ 7 of 8 modes at an energy distance ≤ 0.15× the
// Gaussian's, reported beside the plain GAN.
import { isFullRun } from '@gen-tooling/vitest-config'
import { fromArray, key, noGrad, normalFloats, tidy } from '@gen/core-tensor'
import { eightGaussians } from '@gen/datasets'
import { expect, test } from 'vitest'
import {
  energyDistance,
  type GanConfig,
  type GanObjective,
  generate,
  initGan,
  modeCoverage,
  sampleLatent,
  trainGan,
} from '../src/index'

const dist = eightGaussians()
const centers = Array.from({ length: 8 }, (_, k) => [
  2 * Math.cos((Math.PI * k) / 4),
  2 * Math.sin((Math.PI * k) / 4),
])
const count = 20000
const points = dist.sample(count, { seed: 0 })
const data = fromArray(points, { shape: [count, 2] })
const evalCount = 1000
const reference = dist.sample(evalCount, { seed: 9 })
// a single Gaussian with the data's exact moments (mean 0, covariance (r²/2 + σ²) I)
const gaussian = Float64Array.from(
  normalFloats(key(77), 2 * evalCount),
  (z) => z * Math.sqrt(dist.covariance[0][0]),
)
const gaussianEnergy = energyDistance(gaussian, reference, 2)

interface ToyRun {
  readonly objective: GanObjective
  readonly steps: number
  readonly hidden: number
  readonly batchSize: number
  readonly criticSteps: number
  readonly learningRate: number
  /** The generator's rate, when it differs from the discriminator's. */
  readonly generatorLearningRate?: number
}

async function trainToy(run: ToyRun) {
  const config: GanConfig = {
    kind: 'mlp',
    latentDim: 2,
    dataDim: 2,
    generatorHidden: [run.hidden, run.hidden],
    discriminatorHidden: [run.hidden, run.hidden],
  }
  const sample = (generator: Parameters<typeof generate>[1]): Float32Array =>
    tidy(() =>
      noGrad(() => generate(config, generator, sampleLatent(key(5), evalCount, config)).samples),
    ).dataSync() as Float32Array
  const overTraining: { step: number; covered: number; energy: number }[] = []
  const adam = { learningRate: run.learningRate, beta1: 0.5, beta2: 0.9 }
  const initial = initGan(config, { key: key(0) })
  const initialEnergy = energyDistance(sample(initial.params.generator), reference, 2)
  const result = await trainGan({
    config,
    ...initial,
    data,
    objective: run.objective,
    steps: run.steps,
    batchSize: run.batchSize,
    criticSteps: run.criticSteps,
    generatorOptimizer: { ...adam, learningRate: run.generatorLearningRate ?? run.learningRate },
    discriminatorOptimizer: adam,
    key: key(1),
    logEvery: run.steps,
    checkpointEvery: Math.max(1, Math.floor(run.steps / 5)),
    onCheckpoint: (c) => {
      const s = sample(c.params.generator)
      overTraining.push({
        step: c.step,
        covered: modeCoverage(s, { centers, std: 0.1 }).coveredCount,
        energy: energyDistance(s, reference, 2),
      })
    },
  })
  const final = sample(result.params.generator)
  const coverage = modeCoverage(final, { centers, std: 0.1 })
  const energy = energyDistance(final, reference, 2)
  return {
    coverage,
    energy,
    initialEnergy,
    ratio: energy / gaussianEnergy,
    overTraining,
    progress: result.history.at(-1),
  }
}

test('the fitted-Gaussian baseline and exact data give the scale of the energy distance', () => {
  // two samples of the data: the estimate scatters around 0 (a U-statistic); the Gaussian is far off
  const same = energyDistance(dist.sample(evalCount, { seed: 10 }), reference, 2)
  expect(Math.abs(same)).toBeLessThan(0.01)
  expect(gaussianEnergy).toBeGreaterThan(0.05)
  expect(modeCoverage(gaussian, { centers, std: 0.1 }).highQualityFraction).toBeLessThan(0.1)
})

test(
  '8 Gaussians: the plain GAN and WGAN-GP, mode coverage and energy distance over training',
  { tags: ['slow'], timeout: 3_600_000 },
  async () => {
    const full = isFullRun()
    const plain = await trainToy({
      objective: 'non-saturating',
      steps: full ? 2000 : 1000,
      hidden: 64,
      batchSize: 128,
      criticSteps: 1,
      learningRate: 1e-3,
    })
    // WGAN-GP: 10 critic steps per generator step, the critic at 1e-3 and the generator at 3e-4
    // (the paper's 1e-4 for both barely moves in a few hundred steps; 1e-3 for both oscillates)
    const wgan = await trainToy({
      objective: 'wgan-gp',
      steps: full ? 3000 : 150,
      hidden: 64,
      batchSize: 256,
      criticSteps: 10,
      learningRate: 1e-3,
      generatorLearningRate: 3e-4,
    })
    console.log(JSON.stringify({ gaussianEnergy, plain, wgan }, null, 1))
    // Measured (reduced form): the plain GAN covers 0, 5, 7, 8, 8 modes at steps 200..1000,
    // energy 0.0075 at the end, 0.094× the fitted Gaussian's 0.080
    expect(plain.coverage.coveredCount).toBeGreaterThanOrEqual(7)
    expect(plain.ratio).toBeLessThanOrEqual(0.15)
    if (full) {
      // Measured (same settings and keys, 626 s): 7 of 8 modes from step 750, 8 from step
      // 1500; energy 0.0014 at step 3000, 0.017× the Gaussian's
      expect(wgan.coverage.coveredCount).toBeGreaterThanOrEqual(7)
      expect(wgan.ratio).toBeLessThanOrEqual(0.15)
    } else {
      // 150 WGAN-GP steps move the samples from the generator's initial blob (energy 1.34)
      // towards the ring (measured 0.146; no mode covered yet)
      expect(wgan.energy).toBeLessThan(0.3 * wgan.initialEnergy)
    }
  },
)

test(
  'a conditional GAN puts its samples in the requested mode',
  { tags: ['slow'], timeout: 600_000 },
  async () => {
    // labels = the mode each data point was drawn from (its nearest centre: σ = 0.1 against
    // centres 1.53 apart, so a wrong label has probability ~e^−29)
    const labels = Int32Array.from({ length: count }, (_, i) => {
      let best = 0
      for (let k = 1; k < 8; k++) {
        const d = (points[2 * i] - centers[k][0]) ** 2 + (points[2 * i + 1] - centers[k][1]) ** 2
        const b = (points[2 * i] - centers[best][0]) ** 2 + (points[2 * i + 1] - centers[best][1]) ** 2
        if (d < b) best = k
      }
      return best
    })
    const config: GanConfig = {
      kind: 'mlp',
      latentDim: 2,
      dataDim: 2,
      generatorHidden: [64, 64],
      discriminatorHidden: [64, 64],
      numClasses: 8,
    }
    const adam = { learningRate: 1e-3, beta1: 0.5, beta2: 0.9 }
    const result = await trainGan({
      config,
      ...initGan(config, { key: key(0) }),
      data,
      labels: fromArray(labels, { dtype: 'int32' }),
      objective: 'non-saturating',
      steps: isFullRun() ? 2000 : 600,
      batchSize: 128,
      generatorOptimizer: adam,
      discriminatorOptimizer: adam,
      key: key(1),
    })
    const requested = Int32Array.from({ length: 800 }, (_, i) => i % 8)
    const samples = tidy(() =>
      noGrad(
        () =>
          generate(config, result.params.generator, sampleLatent(key(6), 800, config), {
            labels: fromArray(requested, { dtype: 'int32' }),
          }).samples,
      ),
    ).dataSync()
    let hits = 0
    for (let i = 0; i < 800; i++) {
      const c = centers[requested[i]]
      if (Math.hypot(samples[2 * i] - c[0], samples[2 * i + 1] - c[1]) <= 0.3) hits += 1
    }
    console.log({ conditionalHitRate: hits / 800 })
    expect(hits / 800).toBeGreaterThanOrEqual(0.9)
  },
)
