// `gen cnn train|eval|receptive-field`: thin layers over @gen/cnn.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  alexnetConfig,
  confusionMatrix,
  encodeCheckpoint,
  evaluateClassifier,
  initSequential,
  lenet5Config,
  measureReceptiveField,
  misclassified,
  parameterCount,
  receptiveFieldBox,
  receptiveFields,
  resnetConfig,
  toImageDataset,
  trainClassifier,
  type SequentialConfig,
} from '@gen/cnn'
import { lenet5WeightsPath, readCheckpoint, writeCheckpoint } from '@gen/cnn/node'
import { fold, key, slice } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, imageGrid, toImage } from '@gen/viz'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, startCommand } from '../command-output.ts'
import { resolveOutputDir, resolveUserPath } from '../output.ts'
import { positiveInt, positiveNumber, withCommonOptions, type CommonOptions } from '../common-options.ts'
import { createProgress } from '../progress.ts'

const ARCHITECTURES = ['lenet5-modern', 'lenet5-classic', 'alexnet', 'resnet'] as const
type Architecture = (typeof ARCHITECTURES)[number]

function architecture(name: Architecture): SequentialConfig {
  switch (name) {
    case 'lenet5-modern':
      return lenet5Config({ variant: 'modern' })
    case 'lenet5-classic':
      return lenet5Config({ variant: 'classic' })
    case 'alexnet':
      return alexnetConfig()
    case 'resnet':
      return resnetConfig()
  }
}

// the normalisation the shipped weights (and every net trained here) use
const mean = 0.1307
const std = 0.3081

/** Reads a cnn checkpoint, or fails with one line that names the option and the file. */
async function readTrainingCheckpoint(path: string, option: string) {
  if (!existsSync(path)) throw new CliError(`${option}: no such file ${path}`)
  if (!statSync(path).isFile()) throw new CliError(`${option}: ${path} is not a file`)
  try {
    return await readCheckpoint(path)
  } catch (error) {
    throw new CliError(
      `${option}: ${path} is not a gen-cnn checkpoint (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

interface EpochRow {
  epoch: number
  step: number
  loss: number
  test_accuracy: number
  test_loss: number
}

/** The epoch rows of an earlier run's metrics.json up to `epochs`, or none. */
function previousEpochs(path: string, epochs: number): EpochRow[] {
  try {
    const earlier = JSON.parse(readFileSync(path, 'utf8')) as { epochs?: EpochRow[] }
    return (earlier.epochs ?? []).filter((row) => row.epoch <= epochs)
  } catch {
    return []
  }
}

type TrainFlags = CommonOptions & {
  arch: Architecture
  epochs: number
  count: number
  testCount: number
  batchSize: number
  lr: number
  maxShift: number
  checkpointEvery?: number
  resume?: boolean
}

/**
 * `gen cnn train`: trains on MNIST with checkpoints in --out after every epoch (and every
 * --checkpoint-every steps); `--resume` continues from `checkpoint.safetensors` bit for bit.
 */
async function train(flags: TrainFlags): Promise<void> {
  if (flags.batchSize > flags.count) {
    throw new CliError(`--batch-size must be at most --count (${flags.count} images), got ${flags.batchSize}`)
  }
  const outDir = resolveOutputDir(flags.out)
  const checkpointPath = join(outDir, 'checkpoint.safetensors')
  if (flags.resume && !existsSync(checkpointPath)) {
    throw new CliError(`--resume: no checkpoint to resume from at ${checkpointPath}`)
  }
  const config = architecture(flags.arch)
  const { train: trainSplit, test } = await loadMnist()
  if (flags.count > trainSplit.count)
    throw new CliError(`--count must be at most ${trainSplit.count}, got ${flags.count}`)
  if (flags.testCount > test.count)
    throw new CliError(`--test-count must be at most ${test.count}, got ${flags.testCount}`)
  const stepsPerEpoch = Math.ceil(flags.count / flags.batchSize)
  const resume = flags.resume ? await readTrainingCheckpoint(checkpointPath, '--resume') : undefined
  if (resume !== undefined && JSON.stringify(resume.config) !== JSON.stringify(config)) {
    throw new CliError(
      `--resume: the checkpoint at ${checkpointPath} holds another network than --arch ${flags.arch}`,
    )
  }
  if (resume !== undefined && resume.step >= flags.epochs * stepsPerEpoch) {
    throw new CliError(
      `--resume: the run in ${outDir} already finished (step ${resume.step} of ${flags.epochs * stepsPerEpoch}); raise --epochs to train further`,
    )
  }
  // the epochs already done keep their rows: a resumed run's metrics are the whole run's
  const earlier = resume === undefined ? [] : previousEpochs(join(outDir, 'metrics.json'), resume.epoch)
  const run = startCommand('cnn train', flags, ['cpu', 'reference'])
  const data = toImageDataset(trainSplit, { count: flags.count, mean, std })
  const evalData = toImageDataset(test, { count: flags.testCount, mean, std })
  const progress = createProgress({
    label: `cnn train ${flags.arch}`,
    total: flags.epochs * stepsPerEpoch,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  run.log(
    `cnn train: ${flags.arch} (${parameterCount(config)} parameters), ${flags.count} images, ${flags.epochs} epochs${resume ? `, resuming at step ${resume.step}` : ''}`,
  )
  const root = key(flags.seed)
  const result = await trainClassifier({
    config,
    params: resume === undefined ? initSequential(config, { key: fold(root, 0) }) : undefined,
    resume,
    data,
    evalData,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.lr,
    key: fold(root, 1),
    maxShift: flags.maxShift,
    shiftFill: -mean / std,
    logEvery: 1,
    checkpointEvery: flags.checkpointEvery,
    onProgress: (p) => {
      // a diverged run stops here instead of finishing with Infinity in its metrics
      if (!Number.isFinite(p.loss)) {
        throw new CliError(
          `training diverged: loss ${p.loss} at step ${p.step}; lower --lr (got ${flags.lr})`,
        )
      }
      if (p.phase === 'train') progress.update(p.step, { epoch: String(p.epoch + 1), loss: p.loss })
      else
        run.log(`cnn train: epoch ${p.epoch + 1}: test accuracy ${(100 * (p.evalAccuracy ?? 0)).toFixed(2)}%`)
    },
    onCheckpoint: (c) => writeCheckpoint(checkpointPath, c),
  })
  progress.finish()
  run.write('weights.safetensors', encodeCheckpoint(result.checkpoint, { includeOptimizer: false }))
  run.files.push(checkpointPath)
  const rows = [
    ...earlier,
    ...result.history
      .filter((p) => p.phase === 'epoch')
      .map((p) => ({
        epoch: p.epoch + 1,
        step: p.step,
        loss: p.loss,
        test_accuracy: p.evalAccuracy ?? Number.NaN,
        test_loss: p.evalLoss ?? Number.NaN,
      })),
  ]
  const last = rows.at(-1)
  finishCommand(
    run,
    `${flags.arch} after ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'}: ${(100 * (last?.test_accuracy ?? 0)).toFixed(2)}% on ${evalData.labels.shape[0]} test digits`,
    {
      arch: flags.arch,
      parameters: parameterCount(config),
      testAccuracy: last?.test_accuracy ?? null,
      epochs: rows,
    },
    rows.map((row) => ({ ...row })),
  )
}

type EvalFlags = CommonOptions & { weights?: string; count: number }

/** `gen cnn eval`: accuracy, confusion matrix and misclassified digits of a trained network. */
async function evaluate(flags: EvalFlags): Promise<void> {
  const path = flags.weights === undefined ? lenet5WeightsPath() : resolveUserPath(flags.weights)
  const { config, params, state } = await readTrainingCheckpoint(path, '--weights')
  const { test } = await loadMnist()
  if (flags.count > test.count)
    throw new CliError(`--count must be at most ${test.count}, got ${flags.count}`)
  const run = startCommand('cnn eval', flags, ['cpu', 'reference'])
  const data = toImageDataset(test, { count: flags.count, mean, std })
  const { accuracy, loss, predictions } = evaluateClassifier(config, params, data, { state })
  const labels = data.labels.dataSync()
  const matrix = confusionMatrix(labels, predictions, 10)
  const wrong = misclassified(labels, predictions, { limit: 40 })
  if (wrong.indices.length > 0) {
    const tiles = Array.from(wrong.indices, (i) =>
      toImage(
        {
          shape: [28, 28],
          data: Float32Array.from(
            slice(data.images, [{ start: i, stop: i + 1 }]).dataSync(),
            (v) => v * std + mean,
          ),
        },
        { range: '0..1' },
      ),
    )
    run.write(
      'misclassified.png',
      encodePng(
        imageGrid(tiles, {
          columns: 10,
          gap: 2,
          scale: 2,
          labels: Array.from(wrong.indices, (_, k) => `${wrong.actual[k]} as ${wrong.predicted[k]}`),
        }),
      ),
    )
  }
  const rows = Array.from({ length: 10 }, (_, t) => ({
    true_class: t,
    ...Object.fromEntries(Array.from({ length: 10 }, (_, p) => [`predicted_${p}`, matrix[t][p]])),
  }))
  finishCommand(
    run,
    `${(100 * accuracy).toFixed(2)}% of ${labels.length} test digits (${wrong.total} wrong)`,
    { weights: path, testImages: labels.length, accuracy, loss, misclassified: wrong.total },
    rows,
  )
}

type FieldFlags = CommonOptions & { arch: Architecture }

/** `gen cnn receptive-field`: per layer size, jump and start, analytic and measured from gradients. */
function receptiveField(flags: FieldFlags): void {
  const run = startCommand('cnn receptive-field', flags, ['cpu', 'reference'])
  const config = architecture(flags.arch)
  const fields = receptiveFields(config)
  const rows = fields.map((f) => {
    // measured: the support of ∂(the centre unit)/∂(input), which must equal the analytic box
    const unit: [number, number] = [
      Math.floor((f.outputSize[0] - 1) / 2),
      Math.floor((f.outputSize[1] - 1) / 2),
    ]
    const box = receptiveFieldBox(config, { layer: f.index, unit })
    const measured = measureReceptiveField(config, { layer: f.index, unit })
    return {
      layer: f.index,
      type: f.type,
      size: f.size[0],
      jump: f.jump[0],
      start: f.start[0],
      analytic_rows: `${box.rows[0]}-${box.rows[1]}`,
      measured_rows: `${measured.rows[0]}-${measured.rows[1]}`,
      agree:
        box.rows[0] === measured.rows[0] &&
        box.rows[1] === measured.rows[1] &&
        box.cols[0] === measured.cols[0] &&
        box.cols[1] === measured.cols[1]
          ? 1
          : 0,
    }
  })
  const agree = rows.filter((r) => r.agree === 1).length
  finishCommand(
    run,
    `${agree} of ${rows.length} layers: measured field equals the analytic one`,
    { arch: flags.arch, layers: rows },
    rows,
  )
}

/** Adds `gen cnn train|eval|receptive-field` to the program. */
export function addCnnCommands(program: Command): void {
  const cnn = program
    .command('cnn')
    .description('convolutional networks on MNIST: train, evaluate, receptive fields')
  const arch = () => new Option('--arch <name>', 'network').choices(ARCHITECTURES).default('lenet5-modern')
  const shift = (value: string) => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || n > 8)
      throw new InvalidArgumentError(`--max-shift must be an integer in [0, 8], got ${value}`)
    return n
  }

  withCommonOptions(
    cnn.command('train').description('train on MNIST with checkpoints and --resume'),
    'out/cnn-train',
    ['cpu', 'reference'],
  )
    .addOption(arch())
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 1)
    .option('--count <n>', 'training images (of 60000)', positiveInt('--count'), 10000)
    .option('--test-count <n>', 'test images scored after each epoch', positiveInt('--test-count'), 2000)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 64)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber('--lr'), 1e-3)
    .option('--max-shift <px>', 'random shifts of up to this many pixels', shift, 2)
    .option(
      '--checkpoint-every <steps>',
      'also checkpoint every this many steps',
      positiveInt('--checkpoint-every'),
    )
    .option('--resume', 'continue from checkpoint.safetensors in --out')
    .action(train)

  withCommonOptions(
    cnn.command('eval').description('test accuracy, confusion matrix and misclassified digits'),
    'out/cnn-eval',
    ['cpu', 'reference'],
  )
    .option('--weights <file>', 'a checkpoint or weights file (default: the shipped LeNet-5)')
    .option('--count <n>', 'test images (of 10000)', positiveInt('--count'), 10000)
    .action(evaluate)

  withCommonOptions(
    cnn.command('receptive-field').description('receptive fields per layer, analytic and measured'),
    'out/cnn-receptive-field',
    ['cpu', 'reference'],
  )
    .addOption(arch())
    .action(receptiveField)
}
