// `gen rbm train|sample|eval`: thin layers over @gen/boltzmann's RBMs on binarised MNIST.
// Every likelihood here uses the package's one data protocol (stochastic binarisation, training
// images from key(9001), test images from key(9002)), so the numbers compare with
// packages/boltzmann/weights/README.md.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import {
  baseRateVisibleBiases,
  binarizeStochastic,
  createRbm,
  decodeRbmCheckpoint,
  encodeRbmCheckpoint,
  initRbm,
  combineAisResults,
  rbmAis,
  rbmAverageLogLikelihood,
  rbmFilterImages,
  rbmGibbsSample,
  rbmHiddenProbabilities,
  rbmPseudoLikelihood,
  rbmVisibleProbabilities,
  trainRbm,
  type BinarizedImages,
  type Rbm,
  type RbmAisResult,
  type RbmTrainingMethod,
} from '@gen/boltzmann'
import { fold, key, uniformFloats, type Key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, imageGrid } from '@gen/viz'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, jsonNumber, startCommand } from '../command-output.ts'
import { type CommonOptions, learningRate, positiveInt, withCommonOptions } from '../common-options.ts'
import { classifyDigits, loadLenet } from '../digit-scores.ts'
import { digitSheet } from '../digit-sheet.ts'
import { coinFlipNats, likelihoodDiverged } from '../divergence.ts'
import { resolveOutputDir, resolveUserPath } from '../output.ts'
import { createProgress } from '../progress.ts'
import { readModelFile } from '../weights-file.ts'

/** The package's binarisation keys (scripts/mnist-protocol.ts of @gen/boltzmann). */
export const TRAIN_BINARIZATION_SEED = 9001
export const TEST_BINARIZATION_SEED = 9002

/** The shipped 784-500 CD-1 RBM (packages/boltzmann/weights). */
export function shippedRbmPath(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('@gen/boltzmann/package.json')), 'weights', 'rbm-500-mnist.safetensors')
}

/** Reads an RBM file (a shipped, `gen rbm train` or `gen dbn train` file). */
export function readRbmFile(path: string, option = '--weights') {
  return readModelFile(path, option, 'a gen-boltzmann RBM checkpoint', decodeRbmCheckpoint)
}

/** The first `count` images of an MNIST split, binarised by the package's protocol. */
export function binarizedSplit(images: Uint8Array, count: number, seed: number): BinarizedImages {
  // binarizeStochastic draws its uniforms over the whole array, so a prefix of the images
  // gives the prefix of the full binarised split
  return binarizeStochastic(images.subarray(0, count * 784), key(seed))
}

/** A number in [0, 1). */
export function unitInterval(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1)
      throw new InvalidArgumentError(`${name} must be a number in [0, 1), got ${value}`)
    return n
  }
}

/** A number ≥ 0. */
export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a non-negative number, got ${value}`)
    return n
  }
}

/** Fails before any work when `value` exceeds `max`. */
export function atMost(option: string, value: number, max: number, what: string): void {
  if (value > max) throw new CliError(`${option} must be at most ${max} ${what}, got ${value}`)
}

// ---------------------------------------------------------------------------------- train

interface RbmTrainSettings {
  hidden: number
  count: number
  batchSize: number
  lr: number
  momentum: number
  weightDecay: number
  method: RbmTrainingMethod
  gibbsSteps: number
  seed: number
}

interface RbmEpochRow {
  epoch: number
  step: number
  reconstruction_error: number
  pseudo_likelihood: number
  mean_hidden_activity: number
  seconds: number
}

type RbmTrainFlags = CommonOptions & {
  hidden: number
  count: number
  epochs: number
  batchSize: number
  lr: number
  momentum: number
  weightDecay: number
  method: RbmTrainingMethod
  gibbsSteps: number
  sampleSteps: number
  resume?: boolean
}

/**
 * `gen rbm train`: CD-k / PCD / PT training with a checkpoint after every epoch. Epoch e is one
 * `trainRbm` call keyed by fold(key(seed), e + 1) from the previous epoch's float64 weights,
 * so a run resumed from `checkpoint.safetensors` ends bit-identical to an uninterrupted one
 * (momentum's velocity and PCD's chains restart at each epoch boundary in both).
 */
async function rbmTrain(flags: RbmTrainFlags): Promise<void> {
  if (flags.batchSize > flags.count)
    throw new CliError(`--batch-size must be at most --count (${flags.count} images), got ${flags.batchSize}`)
  atMost('--count', flags.count, 60000, 'MNIST training images')
  atMost('--hidden', flags.hidden, 4096, 'units')
  const outDir = resolveOutputDir(flags.out)
  const checkpointPath = join(outDir, 'checkpoint.safetensors')
  if (flags.resume && !existsSync(checkpointPath))
    throw new CliError(`--resume: no checkpoint to resume from at ${checkpointPath}`)
  const settings: RbmTrainSettings = {
    hidden: flags.hidden,
    count: flags.count,
    batchSize: flags.batchSize,
    lr: flags.lr,
    momentum: flags.momentum,
    weightDecay: flags.weightDecay,
    method: flags.method,
    gibbsSteps: flags.gibbsSteps,
    seed: flags.seed,
  }
  let start: { rbm: Rbm; epoch: number; rows: RbmEpochRow[] } | undefined
  if (flags.resume) {
    const { rbm, metadata } = readRbmFile(checkpointPath, '--resume')
    if (metadata.settings !== JSON.stringify(settings))
      throw new CliError(
        `--resume: the checkpoint at ${checkpointPath} was trained with other settings (${metadata.settings}); use the same options as the first run`,
      )
    const epoch = Number(metadata.epoch)
    if (epoch >= flags.epochs)
      throw new CliError(
        `--resume: the run in ${outDir} already finished (epoch ${epoch} of ${flags.epochs}); raise --epochs to train further`,
      )
    start = { rbm, epoch, rows: JSON.parse(metadata.history ?? '[]') as RbmEpochRow[] }
  }
  const { train, test } = await loadMnist()
  const run = startCommand('rbm train', flags)
  const data = binarizedSplit(train.images, flags.count, TRAIN_BINARIZATION_SEED).values
  const root = key(flags.seed)
  let rbm =
    start?.rbm ??
    createRbm({
      ...initRbm({ numVisible: 784, numHidden: flags.hidden }, { key: fold(root, 0) }),
      // visible biases at the log-odds of the pixel means (Hinton 2010, "A practical guide", §8)
      visibleBias: baseRateVisibleBiases(data, 784, { smoothing: 0.01 }),
    })
  const rows = start?.rows ?? []
  run.log(
    `rbm train: 784-${flags.hidden} ${flags.method.toUpperCase()}-${flags.gibbsSteps}, ${flags.count} binarised images, ${flags.epochs} epochs${start ? `, resuming after epoch ${start.epoch}` : ''}`,
  )
  const progress = createProgress({
    label: 'rbm train',
    total: flags.epochs,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  progress.update(start?.epoch ?? 0)
  for (let epoch = start?.epoch ?? 0; epoch < flags.epochs; epoch++) {
    const result = trainRbm(rbm, data, {
      key: fold(root, epoch + 1),
      numEpochs: 1,
      batchSize: flags.batchSize,
      method: flags.method,
      numSteps: flags.gibbsSteps,
      learningRate: flags.lr,
      momentum: flags.momentum,
      weightDecay: flags.weightDecay,
      monitorSize: Math.min(flags.count, 1000),
    })
    const report = result.history[0]
    if (!Number.isFinite(report.reconstructionError) || !result.rbm.weights.every(Number.isFinite))
      throw new CliError(
        `training diverged in epoch ${epoch + 1}: reconstruction error ${report.reconstructionError}; lower --lr (got ${flags.lr})`,
      )
    if (likelihoodDiverged(report.pseudoLikelihood))
      throw new CliError(
        `training diverged in epoch ${epoch + 1}: pseudo-log-likelihood ${report.pseudoLikelihood.toFixed(1)} nats, below twice the ${(-coinFlipNats()).toFixed(1)} of a coin flip per pixel; lower --lr (got ${flags.lr})`,
      )
    rbm = result.rbm
    const steps = Math.max(1, Math.floor(flags.count / flags.batchSize))
    rows.push({
      epoch: epoch + 1,
      step: (epoch + 1) * steps,
      reconstruction_error: report.reconstructionError,
      pseudo_likelihood: report.pseudoLikelihood,
      mean_hidden_activity: report.meanHiddenActivity,
      seconds: report.seconds,
    })
    // float64, so a resumed run continues from exactly these weights
    run.write(
      'checkpoint.safetensors',
      encodeRbmCheckpoint(rbm, {
        dtype: 'F64',
        metadata: {
          epoch: String(epoch + 1),
          settings: JSON.stringify(settings),
          history: JSON.stringify(rows),
        },
      }),
    )
    run.files.pop() // listed once, at the end
    progress.update(epoch + 1, {
      recon: report.reconstructionError,
      pl: report.pseudoLikelihood,
    })
  }
  progress.finish()
  run.files.push(checkpointPath)
  run.write(
    'weights.safetensors',
    encodeRbmCheckpoint(rbm, {
      dtype: 'F32',
      metadata: { epochs: String(flags.epochs), settings: JSON.stringify(settings) },
    }),
  )
  // the JSON sidecar: what the weights are and how they were made (also in their metadata)
  run.write(
    'weights.json',
    `${JSON.stringify({ kind: 'gen-boltzmann-rbm', config: { numVisible: 784, numHidden: flags.hidden }, epochs: flags.epochs, settings }, null, 2)}\n`,
  )
  run.write(
    'filters.png',
    encodePng(
      imageGrid(rbmFilterImages(rbm, { units: range(Math.min(100, flags.hidden)), normalize: 'per-unit' }), {
        columns: 10,
        gap: 1,
        scale: 2,
        range: 'symmetric',
      }),
    ),
  )
  // test digits over their one-step reconstructions p(v | h), h ~ p(h | v)
  const testBits = binarizedSplit(test.images, 10, TEST_BINARIZATION_SEED).values
  const recon = reconstructRows(rbm, testBits, fold(root, 1 << 20))
  run.write('reconstructions.png', digitSheet([...testBits, ...recon], 20))
  const last = rows.at(-1)
  finishCommand(
    run,
    `784-${flags.hidden} RBM after ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'}: reconstruction error ${last?.reconstruction_error.toFixed(2)}, pseudo-log-likelihood ${last?.pseudo_likelihood.toFixed(2)} nats`,
    {
      settings,
      reconstructionError: last?.reconstruction_error ?? null,
      pseudoLikelihood: last?.pseudo_likelihood ?? null,
      epochs: rows,
    },
    rows.map((row) => ({ ...row })),
  )
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** p(v | h) with h ~ p(h | v): one Gibbs round trip per row, the smooth picture. */
function reconstructRows(rbm: Rbm, visible: ArrayLike<number>, k: Key): Float64Array {
  const p = rbmHiddenProbabilities(rbm, visible)
  const u = uniformFloats(k, p.length, 'float64')
  const h = p.map((q, i) => (u[i] < q ? 1 : 0))
  return rbmVisibleProbabilities(rbm, h)
}

// ---------------------------------------------------------------------------------- sample

type RbmSampleFlags = CommonOptions & {
  weights?: string
  count: number
  steps: number
  start: 'noise' | 'data'
}

/**
 * `gen rbm sample`: `--count` block-Gibbs chains of `--steps` steps from Bernoulli(½) noise or
 * from test digits; the sheet shows p(v | h) of the last step (the smooth picture of the chain's
 * state), `chains.png` eight chains at eight points in time. The shipped LeNet-5 reads the samples.
 */
async function rbmSample(flags: RbmSampleFlags): Promise<void> {
  const path = flags.weights === undefined ? shippedRbmPath() : resolveUserPath(flags.weights)
  const { rbm } = readRbmFile(path)
  if (rbm.numVisible !== 784)
    throw new CliError(`--weights: ${path} must be an RBM on 784 pixels, got ${rbm.numVisible} visible units`)
  atMost('--count', flags.count, 10000, 'chains')
  const { test } = await loadMnist()
  const run = startCommand('rbm sample', flags)
  const root = key(flags.seed)
  let visible: Float64Array =
    flags.start === 'data'
      ? binarizedSplit(test.images, flags.count, TEST_BINARIZATION_SEED).values
      : uniformFloats(fold(root, 0), flags.count * 784, 'float64').map((u) => (u < 0.5 ? 1 : 0))
  const segments = 8
  const snapshots: Float64Array[] = []
  let hidden: Float64Array = new Float64Array(0)
  const progress = createProgress({
    label: 'rbm sample',
    total: flags.steps,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  for (let s = 0, done = 0; s < segments; s++) {
    const steps = Math.floor((flags.steps * (s + 1)) / segments) - done
    if (steps > 0) {
      const chain = rbmGibbsSample(rbm, visible, { key: fold(fold(root, 1), s), numSteps: steps })
      visible = chain.visible
      hidden = chain.hidden
      done += steps
    }
    if (hidden.length > 0) snapshots.push(rbmVisibleProbabilities(rbm, hidden.subarray(0, 8 * rbm.numHidden)))
    progress.update(done)
    await Promise.resolve()
  }
  progress.finish()
  const means = rbmVisibleProbabilities(rbm, hidden)
  run.write('samples.png', digitSheet(means, flags.count))
  const shown = Math.min(8, flags.count)
  const chainTiles = new Float64Array(shown * snapshots.length * 784)
  // one row per chain, one column per snapshot
  for (let c = 0; c < shown; c++)
    for (let t = 0; t < snapshots.length; t++)
      chainTiles.set(snapshots[t].subarray(c * 784, (c + 1) * 784), (c * snapshots.length + t) * 784)
  run.write('chains.png', digitSheet(chainTiles, shown * snapshots.length, { columns: snapshots.length }))
  const lenet = await loadLenet()
  const seen = classifyDigits(lenet, means, flags.count)
  // chains started from test digits: how many LeNet still reads as the digit they started from
  const agreement =
    flags.start === 'data'
      ? seen.predictions.filter((p, i) => p === test.labels[i]).length / flags.count
      : null
  let ink = 0
  for (const v of means) ink += v
  finishCommand(
    run,
    `${flags.count} samples after ${flags.steps} Gibbs steps; LeNet reads ${seen.digitsSeen} different digits (class entropy ${seen.classEntropy.toFixed(3)} nats)`,
    {
      weights: path,
      count: flags.count,
      steps: flags.steps,
      start: flags.start,
      digitCounts: seen.counts,
      digitsSeen: seen.digitsSeen,
      classEntropy: seen.classEntropy,
      meanPixel: ink / means.length,
      startLabelAgreement: agreement,
    },
    seen.counts.map((n, digit) => ({ digit, samples: n })),
  )
}

// ---------------------------------------------------------------------------------- eval

type RbmEvalFlags = CommonOptions & {
  weights?: string
  count: number
  aisRuns: number
  aisTemperatures?: number
  aisSchedule: 'linear' | 'salakhutdinov-murray'
  baseCount: number
}

/**
 * `gen rbm eval`: on the first `--count` binarised test digits, the reconstruction error, the
 * exact pseudo-log-likelihood (all 784 conditionals) and the AIS log-likelihood (Salakhutdinov
 * & Murray 2008) from a base-rate model, with ln Ẑ's standard error, its ±3σ band and the
 * importance-weight ESS. AIS underestimates ln Z in expectation, so a short schedule
 * overstates the log-likelihood: the ESS and the schedule travel with the number.
 */
async function rbmEval(flags: RbmEvalFlags): Promise<void> {
  const path = flags.weights === undefined ? shippedRbmPath() : resolveUserPath(flags.weights)
  const { rbm } = readRbmFile(path)
  if (rbm.numVisible !== 784)
    throw new CliError(`--weights: ${path} must be an RBM on 784 pixels, got ${rbm.numVisible} visible units`)
  atMost('--count', flags.count, 10000, 'MNIST test images')
  atMost('--base-count', flags.baseCount, 60000, 'MNIST training images')
  atMost('--ais-temperatures', flags.aisTemperatures ?? 0, 100000, 'points')
  atMost('--ais-runs', flags.aisRuns, 10000, 'runs')
  if (flags.aisRuns < 2) throw new CliError(`--ais-runs must be at least 2, got ${flags.aisRuns}`)
  if (flags.aisSchedule === 'salakhutdinov-murray' && flags.aisTemperatures !== undefined)
    throw new CliError(
      `--ais-temperatures: the salakhutdinov-murray schedule has its own 14,501 points, got --ais-temperatures ${flags.aisTemperatures}`,
    )
  const numTemperatures = flags.aisTemperatures ?? 300
  if (numTemperatures < 2) throw new CliError(`--ais-temperatures must be at least 2, got ${numTemperatures}`)
  const { train, test } = await loadMnist()
  const run = startCommand('rbm eval', flags)
  const root = key(flags.seed)
  const testSet = binarizedSplit(test.images, flags.count, TEST_BINARIZATION_SEED)
  const recon = reconstructRows(rbm, testSet.values, fold(root, 0))
  let squared = 0
  for (let i = 0; i < recon.length; i++) squared += (testSet.values[i] - recon[i]) ** 2
  const reconstructionError = squared / flags.count
  run.log(`rbm eval: pseudo-log-likelihood of ${flags.count} test digits`)
  const pl = rbmPseudoLikelihood(rbm, testSet.values)
  const pseudoLikelihood = pl.reduce((a, b) => a + b, 0) / flags.count
  const base = baseRateVisibleBiases(
    binarizedSplit(train.images, flags.baseCount, TRAIN_BINARIZATION_SEED).values,
    784,
    { smoothing: 0.05 },
  )
  const schedule =
    flags.aisSchedule === 'salakhutdinov-murray' ? ('salakhutdinov-murray' as const) : { numTemperatures }
  // runs in chunks of at least 2, each run keyed by its index (firstRun), so the combined
  // result equals one call over all runs
  const chunks = Math.max(1, Math.min(10, Math.floor(flags.aisRuns / 2)))
  const progress = createProgress({
    label: 'rbm eval AIS',
    total: flags.aisRuns,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const parts: RbmAisResult[] = []
  for (let c = 0, first = 0; c < chunks; c++) {
    const numRuns = Math.floor((flags.aisRuns * (c + 1)) / chunks) - first
    parts.push(rbmAis(rbm, { key: fold(root, 1), numRuns, firstRun: first, schedule, baseVisibleBias: base }))
    first += numRuns
    progress.update(first)
    await Promise.resolve()
  }
  progress.finish()
  const ais = combineAisResults(parts)
  const likelihood = rbmAverageLogLikelihood(rbm, testSet, { ais })
  run.write(
    'reconstructions.png',
    digitSheet([...testSet.values.subarray(0, 10 * 784), ...recon.subarray(0, 10 * 784)], 20),
  )
  const aisTemperatures = flags.aisSchedule === 'salakhutdinov-murray' ? 14501 : numTemperatures
  finishCommand(
    run,
    `${flags.count} test digits: log-likelihood ${likelihood.nats.toFixed(2)} nats (AIS ${flags.aisRuns} runs × ${aisTemperatures} temperatures, ESS ${ais.effectiveSampleSize.toFixed(1)}), pseudo-log-likelihood ${pseudoLikelihood.toFixed(2)}, reconstruction error ${reconstructionError.toFixed(2)}`,
    {
      weights: path,
      model: `${rbm.numVisible}-${rbm.numHidden}`,
      testImages: flags.count,
      protocol: likelihood.protocol,
      reconstructionError,
      pseudoLikelihood,
      logLikelihood: likelihood.nats,
      logZ: ais.logZ,
      logZStdErr: ais.logZStdErr,
      // lower is ln(Ẑ − 3σ̂), −Infinity when 3σ̂ ≥ Ẑ (too few runs or a poor schedule)
      logZInterval: { lower: jsonNumber(ais.logZInterval.lower), upper: jsonNumber(ais.logZInterval.upper) },
      stochasticLowerBound: ais.stochasticLowerBound,
      effectiveSampleSize: ais.effectiveSampleSize,
      aisRuns: flags.aisRuns,
      aisTemperatures,
      meanFreeEnergy: likelihood.meanFreeEnergy,
    },
    [
      {
        test_images: flags.count,
        log_likelihood: likelihood.nats,
        log_z: ais.logZ,
        log_z_stderr: ais.logZStdErr,
        ess: ais.effectiveSampleSize,
        ais_runs: flags.aisRuns,
        ais_temperatures: aisTemperatures,
        pseudo_likelihood: pseudoLikelihood,
        reconstruction_error: reconstructionError,
      },
    ],
  )
}

// ---------------------------------------------------------------------------------- wiring

/** Adds `gen rbm train|sample|eval` to the program. */
export function addRbmCommands(program: Command): void {
  const rbm = program
    .command('rbm')
    .description('restricted Boltzmann machines on binarised MNIST: train, sample, evaluate')

  withCommonOptions(
    rbm.command('train').description('train a 784-H RBM with checkpoints after every epoch and --resume'),
    'out/rbm-train',
  )
    .option('--hidden <n>', 'hidden units', positiveInt('--hidden'), 100)
    .option('--count <n>', 'training images (of 60000)', positiveInt('--count'), 10000)
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 3)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 100)
    .option('--lr <rate>', 'learning rate η', learningRate('--lr'), 0.05)
    .option('--momentum <mu>', 'classical momentum μ in [0, 1)', unitInterval('--momentum'), 0.5)
    .option('--weight-decay <lambda>', 'L2 weight decay λ on W', nonNegativeNumber('--weight-decay'), 0)
    .addOption(
      new Option('--method <name>', 'negative phase: CD-k, persistent CD or parallel tempering')
        .choices(['cd', 'pcd', 'pt'])
        .default('cd'),
    )
    .option('--gibbs-steps <k>', 'Gibbs steps k per gradient', positiveInt('--gibbs-steps'), 1)
    .option('--resume', 'continue from checkpoint.safetensors in --out')
    .action(rbmTrain)

  withCommonOptions(
    rbm
      .command('sample')
      .description('Gibbs chains from the shipped 784-500 RBM (or --weights) as a PNG sheet'),
    'out/rbm-sample',
  )
    .option('--weights <file>', 'an RBM file (default: the shipped 784-500 CD-1 RBM)')
    .option('--count <n>', 'chains', positiveInt('--count'), 64)
    .option('--steps <n>', 'block-Gibbs steps per chain', positiveInt('--steps'), 200)
    .addOption(
      new Option('--start <from>', 'chains start from Bernoulli(1/2) noise or test digits')
        .choices(['noise', 'data'])
        .default('noise'),
    )
    .action(rbmSample)

  withCommonOptions(
    rbm
      .command('eval')
      .description('reconstruction error, pseudo-log-likelihood and the AIS log-likelihood with its ESS'),
    'out/rbm-eval',
  )
    .option('--weights <file>', 'an RBM file (default: the shipped 784-500 CD-1 RBM)')
    .option('--count <n>', 'binarised test images (of 10000)', positiveInt('--count'), 500)
    .option('--ais-runs <m>', 'independent AIS runs', positiveInt('--ais-runs'), 100)
    .option(
      '--ais-temperatures <k>',
      'points of the linear schedule (default 300)',
      positiveInt('--ais-temperatures'),
    )
    .addOption(
      new Option('--ais-schedule <name>', "linear, or Salakhutdinov & Murray's 14,501 points (slow)")
        .choices(['linear', 'salakhutdinov-murray'])
        .default('linear'),
    )
    .option('--base-count <n>', 'training images for the base-rate model', positiveInt('--base-count'), 10000)
    .action(rbmEval)
}
