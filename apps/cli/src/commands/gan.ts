// `gen gan train|sample|eval`: thin layers over @gen/gan on MNIST (images scaled to [−1, 1]),
// scored by the shipped LeNet-5 of @gen/cnn: FD-LeNet against as many real test digits, the
// classifier score and the predicted-digit histogram (mode coverage).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fold, fromArray, key, noGrad, type Tensor, type TensorTree, tidy } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import {
  decodeGanCheckpoint,
  encodeGanCheckpoint,
  generate,
  initGan,
  sampleLatent,
  trainGan,
  type DecodedGanCheckpoint,
  type GanConfig,
  type GanObjective,
} from '@gen/gan'
import { dcganWeightsPath, writeGanCheckpoint } from '@gen/gan/node'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, startCommand } from '../command-output.ts'
import {
  type CommonOptions,
  learningRate,
  positiveInt,
  positiveNumber,
  withCommonOptions,
} from '../common-options.ts'
import { classifyDigits, loadLenet, realPixels, scoreDigits } from '../digit-scores.ts'
import { digitSheet } from '../digit-sheet.ts'
import { ganLossDiverged, MAX_GAN_LOSS } from '../divergence.ts'
import { resolveOutputDir, resolveUserPath } from '../output.ts'
import { createProgress } from '../progress.ts'
import { readModelFile } from '../weights-file.ts'
import { atMost, unitInterval } from './rbm.ts'

/** Reads a GAN file (shipped weights, `weights.safetensors` or a training checkpoint) of MNIST images. */
function readGan(path: string, option: string): DecodedGanCheckpoint {
  const file = readModelFile(path, option, 'a gen-gan checkpoint', (bytes) => decodeGanCheckpoint(bytes))
  if (file.config.kind === 'mlp' && file.config.dataDim !== 784)
    throw new CliError(
      `${option}: ${path} must generate 784-pixel images, got dataDim ${file.config.dataDim}`,
    )
  return file
}

/**
 * `count` images in [0, 1] (784 each) from a generator in evaluation mode, in batches of 500;
 * a conditional generator gets the digits 0-9 in turn (or `digit` for all).
 */
function generateImages(
  file: { config: GanConfig; generator: TensorTree; generatorState: TensorTree; ema?: TensorTree },
  options: { count: number; seed: number; raw?: boolean; digit?: number },
): { pixels: Float32Array; labels: Int32Array | undefined } {
  const { config } = file
  const params = options.raw ? file.generator : (file.ema ?? file.generator)
  const pixels = new Float32Array(options.count * 784)
  const labels =
    config.numClasses === undefined
      ? undefined
      : Int32Array.from({ length: options.count }, (_, i) => options.digit ?? i % (config.numClasses ?? 10))
  const root = key(options.seed)
  for (let start = 0, b = 0; start < options.count; start += 500, b++) {
    const n = Math.min(500, options.count - start)
    const batch = tidy(() =>
      noGrad(() => {
        const z = sampleLatent(fold(root, b), n, config)
        const y = labels && fromArray(labels.subarray(start, start + n), { dtype: 'int32' })
        return generate(config, params, z, { state: file.generatorState, labels: y }).samples
      }),
    )
    const values = batch.dataSync()
    // tanh output (DCGAN) or linear (MLP) in (−1, 1) → pixels in [0, 1]
    for (let i = 0; i < n * 784; i++) pixels[start * 784 + i] = Math.min(1, Math.max(0, (values[i] + 1) / 2))
    batch.dispose()
  }
  return { pixels, labels }
}

/** MNIST bytes → the GAN's data, in [−1, 1]: `[N, 1, 28, 28]` (DCGAN) or `[N, 784]` (MLP). */
function ganData(config: GanConfig, bytes: Uint8Array, count: number): Tensor {
  const data = Float32Array.from(bytes.subarray(0, count * 784), (v) => v / 127.5 - 1)
  return fromArray(data, { shape: config.kind === 'dcgan' ? [count, 1, 28, 28] : [count, 784] })
}

// ---------------------------------------------------------------------------------- train

type TrainFlags = CommonOptions & {
  arch: 'dcgan' | 'mlp'
  objective: GanObjective
  conditional?: boolean
  width: number
  hidden: number
  latent: number
  count: number
  steps: number
  batchSize: number
  lr: number
  criticSteps?: number
  gpWeight: number
  ema: number
  checkpointEvery: number
  evalCount: number
  resume?: boolean
}

/**
 * `gen gan train`: alternating D and G updates (Goodfellow et al. 2014; WGAN-GP: Gulrajani et
 * al. 2017) with a resumable checkpoint every `--checkpoint-every` generator steps; `--resume`
 * continues bit for bit (trainGan draws everything of step s from fold(key, s)).
 */
async function train(flags: TrainFlags): Promise<void> {
  // The discriminator's batch statistics need two images (trainGan refuses fewer, but only after
  // the start-up line and --out exist).
  if (flags.batchSize < 2)
    throw new CliError(`--batch-size must be at least 2 for a GAN, got ${flags.batchSize}`)
  if (flags.batchSize > flags.count)
    throw new CliError(`--batch-size must be at most --count (${flags.count} images), got ${flags.batchSize}`)
  atMost('--count', flags.count, 60000, 'MNIST training images')
  atMost('--eval-count', flags.evalCount, 10000, 'images')
  atMost('--width', flags.width, 256, 'channels')
  const config: GanConfig =
    flags.arch === 'dcgan'
      ? {
          kind: 'dcgan',
          latentDim: flags.latent,
          width: flags.width,
          // the gradient penalty is per example, which batch norm in the critic would break
          discriminatorNorm: flags.objective === 'wgan-gp' ? 'none' : 'batch',
          ...(flags.conditional ? { numClasses: 10 } : {}),
        }
      : {
          kind: 'mlp',
          latentDim: flags.latent,
          dataDim: 784,
          generatorHidden: [flags.hidden, flags.hidden],
          discriminatorHidden: [flags.hidden, flags.hidden],
          ...(flags.conditional ? { numClasses: 10 } : {}),
        }
  const criticSteps = flags.criticSteps ?? (flags.objective === 'wgan-gp' ? 5 : 1)
  const settings = JSON.stringify({
    objective: flags.objective,
    count: flags.count,
    batchSize: flags.batchSize,
    lr: flags.lr,
    criticSteps,
    gpWeight: flags.gpWeight,
    ema: flags.ema,
    seed: flags.seed,
  })
  const outDir = resolveOutputDir(flags.out)
  const checkpointPath = join(outDir, 'checkpoint.safetensors')
  if (flags.resume && !existsSync(checkpointPath))
    throw new CliError(`--resume: no checkpoint to resume from at ${checkpointPath}`)
  const resumeFile = flags.resume ? readGan(checkpointPath, '--resume') : undefined
  const resume = resumeFile?.checkpoint
  if (resumeFile !== undefined) {
    if (resume === undefined) throw new CliError(`--resume: ${checkpointPath} holds no training state`)
    if (
      JSON.stringify(resumeFile.config) !== JSON.stringify(config) ||
      resumeFile.metadata.settings !== settings
    )
      throw new CliError(
        `--resume: the checkpoint at ${checkpointPath} was trained with other settings (${resumeFile.metadata.config}, ${resumeFile.metadata.settings}); use the same options as the first run`,
      )
    if (resumeFile.step >= flags.steps)
      throw new CliError(
        `--resume: the run in ${outDir} already finished (step ${resumeFile.step} of ${flags.steps}); raise --steps to train further`,
      )
  }
  const { train: trainSplit, test } = await loadMnist()
  const run = startCommand('gan train', flags, ['cpu'])
  const root = key(flags.seed)
  const data = ganData(config, trainSplit.images, flags.count)
  const labels = flags.conditional
    ? fromArray(Int32Array.from(trainSplit.labels.subarray(0, flags.count)), { dtype: 'int32' })
    : undefined
  const init = resume === undefined ? initGan(config, { key: fold(root, 0) }) : undefined
  run.log(
    `gan train: ${flags.conditional ? 'conditional ' : ''}${flags.arch}, ${flags.objective}, ${flags.steps} generator steps of batch ${flags.batchSize}${resume ? `, resuming at step ${resume.step}` : ''}`,
  )
  const progress = createProgress({
    label: 'gan train',
    total: flags.steps,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const rows: Record<string, number>[] = resume
    ? (JSON.parse(resumeFile?.metadata.history ?? '[]') as Record<string, number>[])
    : []
  const adam = { learningRate: flags.lr, beta1: 0.5, beta2: 0.999 }
  const result = await trainGan({
    config,
    params: init?.params,
    state: init?.state,
    resume,
    data,
    labels,
    objective: flags.objective,
    steps: flags.steps,
    batchSize: flags.batchSize,
    criticSteps,
    generatorOptimizer: adam,
    discriminatorOptimizer: adam,
    gradientPenaltyWeight: flags.gpWeight,
    emaDecay: flags.ema,
    key: fold(root, 1),
    logEvery: Math.max(1, Math.min(flags.checkpointEvery, Math.ceil(flags.steps / 20))),
    onProgress: (p) => {
      if (ganLossDiverged(p.discriminatorLoss) || ganLossDiverged(p.generatorLoss))
        throw new CliError(
          `training diverged: D loss ${p.discriminatorLoss.toPrecision(4)}, G loss ${p.generatorLoss.toPrecision(4)} at step ${p.step} (a working run stays within ±${MAX_GAN_LOSS}); lower --lr (got ${flags.lr})`,
        )
      rows.push({
        step: p.step,
        d_loss: p.discriminatorLoss,
        g_loss: p.generatorLoss,
        d_real: p.realOutput,
        d_fake: p.fakeOutput,
        gradient_penalty: p.gradientPenalty,
      })
      progress.update(p.step, { d: p.discriminatorLoss, g: p.generatorLoss })
    },
    checkpointEvery: flags.checkpointEvery,
    onCheckpoint: (c) =>
      writeGanCheckpoint(checkpointPath, c, { metadata: { settings, history: JSON.stringify(rows) } }),
  })
  progress.finish()
  run.files.push(checkpointPath)
  run.write(
    'weights.safetensors',
    encodeGanCheckpoint(result.checkpoint, { includeTraining: false, metadata: { settings } }),
  )
  // the JSON sidecar: what the weights are and how they were made (also in their metadata)
  run.write(
    'weights.json',
    `${JSON.stringify({ kind: 'gen-gan', config, steps: flags.steps, settings: JSON.parse(settings) as unknown }, null, 2)}\n`,
  )
  const file = {
    config,
    generator: result.params.generator,
    generatorState: result.state.generator,
    ema: result.ema,
  }
  const drawn = generateImages(file, { count: flags.evalCount, seed: flags.seed + 1 })
  run.write('samples.png', digitSheet(drawn.pixels, Math.min(64, flags.evalCount)))
  const lenet = await loadLenet()
  const scores = scoreDigits(lenet, drawn.pixels, realPixels(test.images, flags.evalCount), flags.evalCount)
  const last = rows.at(-1)
  finishCommand(
    run,
    `${flags.arch} after ${flags.steps} steps: D loss ${last?.d_loss.toFixed(3)}, G loss ${last?.g_loss.toFixed(3)}; ${flags.evalCount} samples: FD-LeNet ${scores.frechetDistance.toFixed(1)}, ${scores.digitsSeen} digits seen${flags.steps < 3000 ? ' (an early generator: the shipped DCGAN took 9000 steps; `gen gan sample` draws from it, `--resume --steps N` trains this one further)' : ''}`,
    {
      config,
      objective: flags.objective,
      steps: flags.steps,
      frechetDistance: scores.frechetDistance,
      classifierScore: scores.classifierScore,
      classEntropy: scores.classEntropy,
      digitCounts: scores.counts,
      digitsSeen: scores.digitsSeen,
      history: rows,
    },
    rows.map((row) => ({ ...row })),
  )
}

// ---------------------------------------------------------------------------------- sample

type SampleFlags = CommonOptions & { weights?: string; count: number; raw?: boolean; digit?: number }

/** `gen gan sample`: generator samples (the EMA of its weights when the file holds one) as a sheet. */
async function sample(flags: SampleFlags): Promise<void> {
  const path = flags.weights === undefined ? dcganWeightsPath() : resolveUserPath(flags.weights)
  const file = readGan(path, '--weights')
  atMost('--count', flags.count, 10000, 'images')
  if (flags.digit !== undefined && file.config.numClasses === undefined)
    throw new CliError(`--digit: ${path} holds an unconditional generator, got --digit ${flags.digit}`)
  const run = startCommand('gan sample', flags, ['cpu'])
  const drawn = generateImages(file, {
    count: flags.count,
    seed: flags.seed,
    raw: flags.raw,
    digit: flags.digit,
  })
  run.write('samples.png', digitSheet(drawn.pixels, flags.count))
  const lenet = await loadLenet()
  const seen = classifyDigits(lenet, drawn.pixels, flags.count)
  const labelAccuracy =
    drawn.labels === undefined
      ? null
      : seen.predictions.filter((p, i) => p === drawn.labels?.[i]).length / flags.count
  finishCommand(
    run,
    `${flags.count} samples; LeNet reads ${seen.digitsSeen} different digits (class entropy ${seen.classEntropy.toFixed(3)} nats)${labelAccuracy === null ? '' : `, ${(100 * labelAccuracy).toFixed(1)}% as the digit asked for`}`,
    {
      weights: path,
      count: flags.count,
      generator: flags.raw || file.ema === undefined ? 'raw' : 'ema',
      digitCounts: seen.counts,
      digitsSeen: seen.digitsSeen,
      classEntropy: seen.classEntropy,
      labelAccuracy,
    },
    seen.counts.map((n, digit) => ({ digit, samples: n })),
  )
}

// ---------------------------------------------------------------------------------- eval

type EvalFlags = CommonOptions & { weights?: string; count: number; raw?: boolean }

/**
 * `gen gan eval`: `--count` samples against the first `--count` MNIST test digits; the first
 * `--count` training digits against the same test digits give the floor these numbers reach
 * for real data at this N.
 */
async function evaluate(flags: EvalFlags): Promise<void> {
  const path = flags.weights === undefined ? dcganWeightsPath() : resolveUserPath(flags.weights)
  const file = readGan(path, '--weights')
  atMost('--count', flags.count, 10000, 'images')
  if (flags.count < 100)
    throw new CliError(`--count must be at least 100 for a Fréchet distance, got ${flags.count}`)
  const { train: trainSplit, test } = await loadMnist()
  const run = startCommand('gan eval', flags, ['cpu'])
  const lenet = await loadLenet()
  const realTest = realPixels(test.images, flags.count)
  const drawn = generateImages(file, { count: flags.count, seed: flags.seed, raw: flags.raw })
  const scores = scoreDigits(lenet, drawn.pixels, realTest, flags.count)
  const real = scoreDigits(lenet, realPixels(trainSplit.images, flags.count), realTest, flags.count)
  const labelAccuracy =
    drawn.labels === undefined
      ? null
      : scores.predictions.filter((p, i) => p === drawn.labels?.[i]).length / flags.count
  const row = (name: string, s: typeof scores) => ({
    images: name,
    fd_lenet: s.frechetDistance,
    classifier_score: s.classifierScore,
    class_entropy: s.classEntropy,
    rarest_digit_share: Math.min(...s.counts) / flags.count,
  })
  finishCommand(
    run,
    `${flags.count} samples: FD-LeNet ${scores.frechetDistance.toFixed(1)} (real digits ${real.frechetDistance.toFixed(1)}), classifier score ${scores.classifierScore.toFixed(2)}, class entropy ${scores.classEntropy.toFixed(3)} nats, ${scores.digitsSeen} digits seen`,
    {
      weights: path,
      count: flags.count,
      generator: flags.raw || file.ema === undefined ? 'raw' : 'ema',
      frechetDistance: scores.frechetDistance,
      classifierScore: scores.classifierScore,
      classEntropy: scores.classEntropy,
      digitCounts: scores.counts,
      digitsSeen: scores.digitsSeen,
      labelAccuracy,
      real: {
        frechetDistance: real.frechetDistance,
        classifierScore: real.classifierScore,
        classEntropy: real.classEntropy,
      },
    },
    [row('samples', scores), row('MNIST train', real)],
  )
}

// ---------------------------------------------------------------------------------- wiring

const digit = (value: string): number => {
  if (!/^\d$/.test(value.trim())) throw new InvalidArgumentError(`--digit must be one of 0-9, got ${value}`)
  return Number(value)
}

/** Adds `gen gan train|sample|eval` to the program. */
export function addGanCommands(program: Command): void {
  const gan = program
    .command('gan')
    .description('generative adversarial networks on MNIST (GAN, DCGAN, WGAN-GP, conditional)')

  withCommonOptions(
    gan.command('train').description('adversarial training with checkpoints and --resume'),
    'out/gan-train',
  )
    .addOption(
      new Option('--arch <name>', 'DCGAN (strided convolutions) or an MLP GAN (Goodfellow et al. 2014)')
        .choices(['dcgan', 'mlp'])
        .default('dcgan'),
    )
    .addOption(
      new Option('--objective <name>', 'the loss pair')
        .choices(['non-saturating', 'minimax', 'wgan-gp', 'hinge'])
        .default('non-saturating'),
    )
    .option('--conditional', 'condition both players on the digit label')
    .option('--width <w>', 'DCGAN base width (G: 2w×7×7 → w×14×14 → 1×28×28)', positiveInt('--width'), 16)
    .option('--hidden <n>', 'MLP hidden width (two layers each)', positiveInt('--hidden'), 256)
    .option('--latent <n>', 'noise dimension', positiveInt('--latent'), 64)
    .option('--count <n>', 'training images (of 60000)', positiveInt('--count'), 60000)
    .option(
      '--steps <n>',
      'generator updates (1000: strokes, about 3 min on 2 cores; the shipped DCGAN took 9000)',
      positiveInt('--steps'),
      1000,
    )
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 64)
    .option(
      '--lr <rate>',
      'Adam learning rate of both players (β₁ 0.5, β₂ 0.999)',
      learningRate('--lr'),
      2e-4,
    )
    .option(
      '--critic-steps <n>',
      'D updates per G update (default 1; 5 for wgan-gp)',
      positiveInt('--critic-steps'),
    )
    .option('--gp-weight <lambda>', 'gradient-penalty weight λ (wgan-gp)', positiveNumber('--gp-weight'), 10)
    .option(
      '--ema <decay>',
      "EMA decay of the generator's weights in [0, 1) (0: none)",
      unitInterval('--ema'),
      0.995,
    )
    .option(
      '--checkpoint-every <steps>',
      'checkpoint every this many steps',
      positiveInt('--checkpoint-every'),
      100,
    )
    .option('--eval-count <n>', 'samples scored at the end', positiveInt('--eval-count'), 500)
    .option('--resume', 'continue from checkpoint.safetensors in --out')
    .action(train)

  withCommonOptions(
    gan.command('sample').description('generator samples as a PNG sheet (default: the shipped DCGAN)'),
    'out/gan-sample',
  )
    .option('--weights <file>', 'a GAN file (default: the shipped DCGAN)')
    .option('--count <n>', 'images', positiveInt('--count'), 64)
    .option('--digit <d>', 'a conditional generator draws only this digit', digit)
    .option('--raw', 'use the raw generator weights, not their EMA')
    .action(sample)

  withCommonOptions(
    gan.command('eval').description('FD-LeNet, classifier score and digit coverage of generator samples'),
    'out/gan-eval',
  )
    .option('--weights <file>', 'a GAN file (default: the shipped DCGAN)')
    .option('--count <n>', 'samples, scored against as many test digits', positiveInt('--count'), 1000)
    .option('--raw', 'use the raw generator weights, not their EMA')
    .action(evaluate)
}
