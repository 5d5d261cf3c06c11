// The Boltzmann-machine section of the tour: the 4-2-4 encoder of Ackley, Hinton & Sejnowski
// (1985), Gibbs samples and an AIS log-likelihood of the shipped 784-500 RBM, and a DBN whose
// second layer is trained live on the shipped RBM's hidden probabilities (Hinton, Osindero &
// Teh 2006), with its samples and variational bound. The samples go on to the generators
// section's table, scored like every other generator.
import {
  baseRateVisibleBiases,
  combineAisResults,
  createDbn,
  dbnLowerBound,
  dbnSample,
  encoderAccuracy,
  encoderConnectivity,
  encoderPatterns,
  initBoltzmannMachine,
  rbmAis,
  rbmAverageLogLikelihood,
  rbmGibbsSample,
  rbmHiddenProbabilities,
  rbmVisibleProbabilities,
  trainBoltzmannMachine,
  trainDbn,
  type RbmAisResult,
} from '@gen/boltzmann'
import { fold, uniformFloats, type Key } from '@gen/core-tensor'
import type { LabeledImages } from '@gen/datasets'
import { imageGrid, type ReportSection } from '@gen/viz'
import {
  binarizedSplit,
  readRbmFile,
  shippedRbmPath,
  TEST_BINARIZATION_SEED,
  TRAIN_BINARIZATION_SEED,
} from '../commands/rbm.ts'
import type { TourSection } from './section.ts'
import type { TourSize } from './sizes.ts'

const SETTINGS = {
  quick: {
    gibbs: 20,
    aisRuns: 20,
    aisTemperatures: 100,
    testImages: 500,
    boundImages: 200,
    dbnImages: 5000,
    dbnEpochs: 1,
  },
  default: {
    gibbs: 50,
    aisRuns: 100,
    aisTemperatures: 300,
    testImages: 2000,
    boundImages: 500,
    dbnImages: 10000,
    dbnEpochs: 2,
  },
  full: {
    gibbs: 100,
    aisRuns: 100,
    aisTemperatures: 1000,
    testImages: 10000,
    boundImages: 2000,
    dbnImages: 60000,
    dbnEpochs: 10,
  },
} as const

/** Samples a section hands on to the generators table: `count` images of 784 pixels in [0, 1]. */
export interface GeneratorSamples {
  readonly name: string
  readonly source: string
  readonly pixels: Float64Array
}

/**
 * Runs the Boltzmann part of the tour and returns its section and the RBM and DBN samples.
 *
 * @param size - how long each part runs
 * @param root - key the section draws from
 * @param options - the MNIST splits, how many samples the generators table scores, where progress lines go
 */
export async function boltzmannSection(
  size: TourSize,
  root: Key,
  options: {
    mnist: { train: LabeledImages; test: LabeledImages }
    scored: number
    log: (line: string) => void
  },
): Promise<TourSection & { samples: GeneratorSamples[] }> {
  const s = SETTINGS[size]
  const { mnist, scored: n, log } = options

  log('boltzmann: the 4-2-4 encoder, exact statistics')
  const config = { numVisible: 8, numHidden: 2, connectivity: encoderConnectivity(4, 2) }
  let encoder = { solved: 0, meanProbability: 0, attempts: 0 }
  for (let attempt = 1; attempt <= 6 && encoder.solved < 4; attempt++) {
    const { machine } = trainBoltzmannMachine(
      initBoltzmannMachine(config, { key: fold(fold(root, 0), attempt) }),
      encoderPatterns(4),
      { learningRate: 0.5, numEpochs: 1000, momentum: 0.5 },
    )
    encoder = { ...encoderAccuracy(machine), attempts: attempt }
  }

  const { rbm } = readRbmFile(shippedRbmPath())
  log(`boltzmann: ${n} Gibbs chains of the shipped RBM, ${s.gibbs} steps from noise`)
  const start = uniformFloats(fold(root, 1), n * 784, 'float64').map((u) => (u < 0.5 ? 1 : 0))
  const chain = rbmGibbsSample(rbm, start, { key: fold(root, 2), numSteps: s.gibbs })
  const rbmPixels = rbmVisibleProbabilities(rbm, chain.hidden)

  log(`boltzmann: AIS, ${s.aisRuns} runs × ${s.aisTemperatures} temperatures`)
  const train = binarizedSplit(mnist.train.images, s.dbnImages, TRAIN_BINARIZATION_SEED).values
  const test = binarizedSplit(mnist.test.images, s.testImages, TEST_BINARIZATION_SEED)
  const baseVisibleBias = baseRateVisibleBiases(train, 784, { smoothing: 0.05 })
  const parts: RbmAisResult[] = []
  for (let first = 0; first < s.aisRuns; first += 20) {
    parts.push(
      rbmAis(rbm, {
        key: fold(root, 3),
        numRuns: Math.min(20, s.aisRuns - first),
        firstRun: first,
        schedule: { numTemperatures: s.aisTemperatures },
        baseVisibleBias,
      }),
    )
    await Promise.resolve()
  }
  const ais = combineAisResults(parts)
  const rbmLikelihood = rbmAverageLogLikelihood(rbm, test, { ais })

  log(`boltzmann: a DBN, a 500-200 layer trained on the shipped RBM's features of ${s.dbnImages} digits`)
  const { dbn } = trainDbn(train, {
    layerSizes: [784, 500, 200],
    key: fold(root, 4),
    pretrained: [rbm],
    layers: { numEpochs: s.dbnEpochs, batchSize: 100, learningRate: 0.05, momentum: 0.5, monitorSize: 0 },
  })
  const top = dbn.layers[1]
  const topAis = rbmAis(top, {
    key: fold(root, 5),
    numRuns: s.aisRuns,
    // a 500-200 RBM costs a quarter of the 784-500 one per temperature: 4× the schedule
    schedule: { numTemperatures: 4 * s.aisTemperatures },
    baseVisibleBias: baseRateVisibleBiases(rbmHiddenProbabilities(rbm, train), 500, { smoothing: 0.05 }),
  })
  const boundImages = s.boundImages
  const { bound } = dbnLowerBound(createDbn(dbn.layers), test.values.subarray(0, boundImages * 784), {
    logPartitionTop: topAis.logZ,
    method: 'sampled',
    numSamples: 10,
    key: fold(root, 6),
  })
  const dbnBound = bound.reduce((a, b) => a + b, 0) / boundImages
  const dbnPixels = dbnSample(dbn, { key: fold(root, 7), numSamples: n, numSteps: s.gibbs }).probabilities

  const sheet = (pixels: Float64Array) =>
    imageGrid(
      { data: Float32Array.from(pixels.subarray(0, 40 * 784)), shape: [40, 28, 28] },
      { columns: 10, gap: 2, range: '0..1' },
    )
  const report: ReportSection = {
    title: 'Boltzmann machines: the encoder, an RBM and a DBN',
    blocks: [
      {
        kind: 'text',
        text: `The 4-2-4 encoder (Ackley, Hinton & Sejnowski 1985): two groups of 4 visible units that talk only through 2 hidden units learn to pass each one-hot pattern across, by the contrastive Hebbian rule with exact statistics. ${encoder.solved} of 4 patterns passed (mean p(right completion) ${encoder.meanProbability.toFixed(3)}) after ${encoder.attempts} attempt${encoder.attempts === 1 ? '' : 's'} from fresh weights; a failed attempt puts two patterns on one hidden code, a local minimum.`,
      },
      {
        kind: 'table',
        caption: `Log-likelihoods of binarised test digits (stochastic binarisation, key 9002), nats per image. ln Z by annealed importance sampling (Salakhutdinov & Murray 2008), ${s.aisRuns} runs × ${s.aisTemperatures} linear temperatures from a base-rate model: AIS underestimates ln Z in expectation, so short schedules overstate the likelihood; the ESS says how far to trust it.${Math.min(ais.effectiveSampleSize, topAis.effectiveSampleSize) < 0.1 * s.aisRuns ? ` Here an ESS below 10% of the runs marks an estimate dominated by a few runs: read it as optimistic (the full tour runs longer schedules).` : ''} The DBN row is the variational bound of Hinton et al. (2006), its top RBM's ln Z from ${4 * s.aisTemperatures} temperatures, with 10 samples of q(h | v) per digit on the first ${boundImages} test digits; it is a bound only if its top ln Ẑ is not too low.`,
        columns: ['model', 'from', 'test digits', 'ln Ẑ', 'ESS', 'log-likelihood'],
        rows: [
          [
            'RBM 784-500, CD-1',
            'shipped weights',
            String(s.testImages),
            `${ais.logZ.toFixed(2)} ± ${ais.logZStdErr.toFixed(2)}`,
            `${ais.effectiveSampleSize.toFixed(1)} of ${s.aisRuns}`,
            rbmLikelihood.nats.toFixed(2),
          ],
          [
            'DBN 784-500-200 (lower bound)',
            `shipped RBM + a layer trained live (${s.dbnEpochs} epoch${s.dbnEpochs === 1 ? '' : 's'}, ${s.dbnImages} digits)`,
            String(boundImages),
            `top ${topAis.logZ.toFixed(2)} ± ${topAis.logZStdErr.toFixed(2)}`,
            `${topAis.effectiveSampleSize.toFixed(1)} of ${s.aisRuns}`,
            dbnBound.toFixed(2),
          ],
        ],
      },
      {
        kind: 'image',
        image: sheet(rbmPixels),
        caption: `The shipped RBM: p(v | h) after ${s.gibbs} block-Gibbs steps from Bernoulli(½) noise. CD-1 training leaves the model's own chains mixing poorly: many fall into a few blob-like modes.`,
        scale: 2,
      },
      {
        kind: 'image',
        image: sheet(dbnPixels),
        caption: `The DBN: ${s.gibbs} Gibbs steps in the top 500-200 RBM, then one top-down pass through the shipped RBM's weights; p(v | h₁).`,
        scale: 2,
      },
    ],
  }
  return {
    report,
    metrics: {
      encoder_patterns_solved: encoder.solved,
      encoder_mean_probability: encoder.meanProbability,
      rbm_test_log_likelihood: rbmLikelihood.nats,
      rbm_log_z: ais.logZ,
      rbm_log_z_stderr: ais.logZStdErr,
      rbm_ais_ess: ais.effectiveSampleSize,
      dbn_test_lower_bound: dbnBound,
      dbn_top_ais_ess: topAis.effectiveSampleSize,
    },
    samples: [
      { name: 'RBM 784-500', source: `shipped weights, ${s.gibbs} Gibbs steps`, pixels: rbmPixels },
      { name: 'DBN 784-500-200', source: 'shipped RBM + top layer trained live', pixels: dbnPixels },
    ],
  }
}
