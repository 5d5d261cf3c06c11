// `gen dbn train|sample` and `gen bm encoder`: deep belief networks (Hinton, Osindero & Teh
// 2006) stacked on the shipped RBM, and the 1985 Boltzmann-machine encoder task of Ackley,
// Hinton & Sejnowski, both over @gen/boltzmann.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  baseRateVisibleBiases,
  createDbn,
  dbnLowerBound,
  dbnSample,
  encodeRbmCheckpoint,
  encoderAccuracy,
  encoderConnectivity,
  encoderPatterns,
  initBoltzmannMachine,
  klDivergence,
  rbmAis,
  rbmHiddenProbabilities,
  trainBoltzmannMachine,
  trainDbn,
  type BoltzmannMachine,
  type Dbn,
  type Rbm,
} from '@gen/boltzmann'
import { fold, key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, linePlot, toImage, upscale } from '@gen/viz'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, startCommand } from '../command-output.ts'
import { type CommonOptions, learningRate, positiveInt, withCommonOptions } from '../common-options.ts'
import { classifyDigits, loadLenet } from '../digit-scores.ts'
import { digitSheet } from '../digit-sheet.ts'
import { resolveOutputDir } from '../output.ts'
import { createProgress } from '../progress.ts'
import {
  atMost,
  binarizedSplit,
  readRbmFile,
  shippedRbmPath,
  TEST_BINARIZATION_SEED,
  TRAIN_BINARIZATION_SEED,
  unitInterval,
} from './rbm.ts'

const layerFile = (l: number) => `layer-${l}.safetensors`

/** The RBMs of a DBN directory (`layer-0.safetensors`, `layer-1.safetensors`, ...), bottom first. */
function readDbnDirectory(dir: string, option: string): { dbn: Dbn; metadata: Record<string, string>[] } {
  if (!existsSync(dir)) throw new CliError(`${option}: no such directory ${dir}`)
  if (!statSync(dir).isDirectory())
    throw new CliError(
      `${option}: ${dir} must be a directory of layer-N.safetensors files from gen dbn train`,
    )
  const count = readdirSync(dir).filter((f) => /^layer-\d+\.safetensors$/.test(f)).length
  if (count === 0)
    throw new CliError(`${option}: ${dir} holds no layer-0.safetensors (a gen dbn train directory)`)
  const files = Array.from({ length: count }, (_, l) => readRbmFile(join(dir, layerFile(l)), option))
  try {
    return { dbn: createDbn(files.map((f) => f.rbm)), metadata: files.map((f) => ({ ...f.metadata })) }
  } catch (error) {
    throw new CliError(
      `${option}: the layers in ${dir} do not stack (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

/** Comma-separated unit counts starting with 784. */
function layerSizes(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim())
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 4096))
    throw new InvalidArgumentError(
      `--layers must be at least 2 comma-separated integers in [1, 4096], got ${value}`,
    )
  if (Number(parts[0]) !== 784)
    throw new InvalidArgumentError(`--layers must start with the 784 pixels, got ${value}`)
  return parts.map(Number)
}

// ---------------------------------------------------------------------------------- dbn train

type DbnTrainFlags = CommonOptions & {
  layers: number[]
  fromScratch?: boolean
  count: number
  epochs: number
  batchSize: number
  lr: number
  momentum: number
  samples: number
  sampleSteps: number
  boundCount: number
  aisRuns: number
  aisTemperatures: number
  resume?: boolean
}

/**
 * `gen dbn train`: greedy layer-wise training (each RBM on the hidden probabilities of the one
 * below), from the shipped 784-500 RBM as the first layer unless `--from-scratch`. Every
 * finished layer is written as `layer-l.safetensors` (float64); `--resume` passes the finished
 * layers to trainDbn as pretrained, whose per-layer keys make the result equal an unbroken run.
 * Then samples (top-level Gibbs, one top-down pass) and the variational lower bound on ln p(v)
 * of test digits, with the top RBM's ln Z from AIS.
 */
async function dbnTrain(flags: DbnTrainFlags): Promise<void> {
  const sizes = flags.layers
  if (flags.batchSize > flags.count)
    throw new CliError(`--batch-size must be at most --count (${flags.count} images), got ${flags.batchSize}`)
  atMost('--count', flags.count, 60000, 'MNIST training images')
  atMost('--bound-count', flags.boundCount, 10000, 'MNIST test images')
  atMost('--samples', flags.samples, 10000, 'samples')
  if (flags.aisRuns < 2) throw new CliError(`--ais-runs must be at least 2, got ${flags.aisRuns}`)
  if (flags.aisTemperatures < 2)
    throw new CliError(`--ais-temperatures must be at least 2, got ${flags.aisTemperatures}`)
  const pretrainedFirst = !flags.fromScratch
  if (pretrainedFirst && sizes[1] !== 500)
    throw new CliError(
      `--layers: the shipped first layer is 784-500, got ${sizes.slice(0, 2).join('-')}; pass --from-scratch to train it`,
    )
  const settings = JSON.stringify({
    layers: sizes,
    fromScratch: flags.fromScratch ?? false,
    count: flags.count,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    lr: flags.lr,
    momentum: flags.momentum,
    seed: flags.seed,
  })
  const outDir = resolveOutputDir(flags.out)
  let done: Rbm[] = []
  if (flags.resume) {
    if (!existsSync(join(outDir, layerFile(0))))
      throw new CliError(`--resume: no layer to resume from at ${join(outDir, layerFile(0))}`)
    const { dbn, metadata } = readDbnDirectory(outDir, '--resume')
    if (metadata.some((m) => m.settings !== settings))
      throw new CliError(
        `--resume: the layers in ${outDir} were trained with other settings; use the same options as the first run`,
      )
    if (dbn.layers.length >= sizes.length - 1)
      throw new CliError(`--resume: the run in ${outDir} already finished (${dbn.layers.length} layers)`)
    done = [...dbn.layers]
  }
  const stale = existsSync(outDir)
    ? readdirSync(outDir).filter(
        (f) => /^layer-\d+\.safetensors$/.test(f) && Number(f.slice(6, -12)) >= sizes.length - 1,
      )
    : []
  if (stale.length > 0)
    throw new CliError(`--out: ${outDir} holds ${stale.join(', ')} of a deeper DBN; choose another --out`)
  const shipped =
    pretrainedFirst && done.length === 0 ? readRbmFile(shippedRbmPath(), '--layers').rbm : undefined
  const { train, test } = await loadMnist()
  const run = startCommand('dbn train', flags)
  const root = key(flags.seed)
  const data = binarizedSplit(train.images, flags.count, TRAIN_BINARIZATION_SEED).values
  if (shipped !== undefined) done = [shipped]
  const L = sizes.length - 1
  const progress = createProgress({
    label: 'dbn train',
    total: L * flags.epochs,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const rows: Record<string, number>[] = []
  const write = (l: number, rbm: Rbm) => {
    run.write(
      layerFile(l),
      encodeRbmCheckpoint(rbm, { dtype: 'F64', metadata: { settings, layer: String(l) } }),
    )
  }
  for (let l = 0; l < done.length; l++) {
    if (flags.resume) run.files.push(join(outDir, layerFile(l)))
    else write(l, done[l])
    progress.update((l + 1) * flags.epochs)
  }
  const layersDone =
    done.length === 0
      ? 'no layer done yet'
      : `layer${done.length > 1 ? `s 1..${done.length}` : ' 1'} ${shipped ? 'shipped' : 'done'}`
  run.log(`dbn train: ${sizes.join('-')}, ${layersDone}, ${flags.count} binarised images`)
  for (let l = done.length; l < L; l++) {
    const { dbn } = trainDbn(data, {
      layerSizes: sizes.slice(0, l + 2),
      key: fold(root, 0),
      pretrained: done,
      layers: {
        numEpochs: flags.epochs,
        batchSize: flags.batchSize,
        learningRate: flags.lr,
        momentum: flags.momentum,
        monitorSize: Math.min(flags.count, 500),
      },
      onEpoch: (layer, p) => {
        rows.push({
          layer: layer + 1,
          epoch: p.epoch,
          reconstruction_error: p.reconstructionError,
          pseudo_likelihood: p.pseudoLikelihood,
        })
        progress.update(layer * flags.epochs + p.epoch, {
          layer: String(layer + 1),
          recon: p.reconstructionError,
        })
      },
    })
    done = [...dbn.layers]
    write(l, done[l])
  }
  progress.finish()
  // the JSON sidecar: the stack of layer files and how they were made
  run.write(
    'dbn.json',
    `${JSON.stringify({ kind: 'gen-boltzmann-dbn', layers: sizes, files: done.map((_, l) => layerFile(l)), firstLayer: shipped || (pretrainedFirst && flags.resume) ? 'shipped' : 'trained', settings: JSON.parse(settings) as unknown }, null, 2)}\n`,
  )
  const dbn = createDbn(done)
  const sampled = dbnSample(dbn, {
    key: fold(root, 1),
    numSamples: flags.samples,
    numSteps: flags.sampleSteps,
  })
  run.write('samples.png', digitSheet(sampled.probabilities, flags.samples))
  // ln Z of the top RBM by AIS from the base-rate model of its own training input (the
  // training digits mapped up through the layers below), then the bound on test digits
  const top = done[L - 1]
  let input: ArrayLike<number> = data
  for (let l = 0; l < L - 1; l++) input = rbmHiddenProbabilities(done[l], input)
  const ais = rbmAis(top, {
    key: fold(root, 2),
    numRuns: flags.aisRuns,
    schedule: { numTemperatures: flags.aisTemperatures },
    baseVisibleBias: baseRateVisibleBiases(input, top.numVisible, { smoothing: 0.05 }),
  })
  const testBits = binarizedSplit(test.images, flags.boundCount, TEST_BINARIZATION_SEED).values
  const { bound } = dbnLowerBound(dbn, testBits, {
    logPartitionTop: ais.logZ,
    method: 'sampled',
    numSamples: 10,
    key: fold(root, 3),
  })
  const meanBound = bound.reduce((a, b) => a + b, 0) / bound.length
  const seen = classifyDigits(await loadLenet(), sampled.probabilities, flags.samples)
  finishCommand(
    run,
    `${sizes.join('-')} DBN: lower bound on ln p(v) ${meanBound.toFixed(2)} nats on ${flags.boundCount} test digits (top ln Z by AIS, ESS ${ais.effectiveSampleSize.toFixed(1)} of ${flags.aisRuns}); LeNet reads ${seen.digitsSeen} digits in ${flags.samples} samples`,
    {
      layers: sizes,
      firstLayer: shipped || (pretrainedFirst && flags.resume) ? 'shipped' : 'trained',
      lowerBound: meanBound,
      boundTestImages: flags.boundCount,
      topLogZ: ais.logZ,
      topLogZStdErr: ais.logZStdErr,
      topEffectiveSampleSize: ais.effectiveSampleSize,
      digitCounts: seen.counts,
      digitsSeen: seen.digitsSeen,
      classEntropy: seen.classEntropy,
      epochs: rows,
    },
    rows,
  )
}

// ---------------------------------------------------------------------------------- dbn sample

type DbnSampleFlags = CommonOptions & { weights: string; count: number; steps: number }

/** `gen dbn sample`: Gibbs in the top RBM, then one top-down pass; the sheet shows p(v | h₁). */
async function dbnSampleCommand(flags: DbnSampleFlags): Promise<void> {
  const { dbn } = readDbnDirectory(resolveOutputDir(flags.weights), '--weights')
  if (dbn.layers[0].numVisible !== 784)
    throw new CliError(`--weights: the DBN must have 784 visible units, got ${dbn.layers[0].numVisible}`)
  atMost('--count', flags.count, 10000, 'samples')
  const run = startCommand('dbn sample', flags)
  const sampled = dbnSample(dbn, { key: key(flags.seed), numSamples: flags.count, numSteps: flags.steps })
  run.write('samples.png', digitSheet(sampled.probabilities, flags.count))
  const seen = classifyDigits(await loadLenet(), sampled.probabilities, flags.count)
  finishCommand(
    run,
    `${flags.count} samples after ${flags.steps} top-level Gibbs steps; LeNet reads ${seen.digitsSeen} different digits`,
    {
      layers: [dbn.layers[0].numVisible, ...dbn.layers.map((l) => l.numHidden)],
      count: flags.count,
      steps: flags.steps,
      digitCounts: seen.counts,
      digitsSeen: seen.digitsSeen,
      classEntropy: seen.classEntropy,
    },
    seen.counts.map((n, digit) => ({ digit, samples: n })),
  )
}

// ---------------------------------------------------------------------------------- bm encoder

type EncoderFlags = CommonOptions & {
  group: number
  hidden: number
  epochs: number
  lr: number
  momentum: number
  restarts: number
}

/** The most units `gen bm encoder` takes; see bmEncoder. */
const MAX_ENCODER_UNITS = 15

/**
 * `gen bm encoder`: the g-H-g encoder of Ackley, Hinton & Sejnowski (1985): two visible groups
 * that talk only through H hidden units learn to pass a one-hot pattern from V1 to V2, trained
 * by the contrastive Hebbian rule with exact statistics; a failed attempt (two patterns on one
 * hidden code, a local minimum) restarts from fresh weights, up to --restarts times.
 */
function bmEncoder(flags: EncoderFlags): void {
  // Exact statistics sum over all 2^units states every epoch, so the time doubles per unit:
  // one attempt of 1000 epochs took 9 s at 15 units and 17 s at 16 on a shared 2-core CPU, and
  // --restarts 6 can take six attempts; 15 keeps a default run near a minute (19 took > 8 min).
  const units = 2 * flags.group + flags.hidden
  if (units > MAX_ENCODER_UNITS)
    throw new CliError(
      `--group and --hidden: 2·group + hidden must be at most ${MAX_ENCODER_UNITS} units (exact statistics cost 2^units per epoch), got ${units}`,
    )
  if (2 ** flags.hidden < flags.group)
    throw new CliError(
      `--hidden: ${flags.hidden} binary units have ${2 ** flags.hidden} codes, fewer than the ${flags.group} patterns of --group`,
    )
  const run = startCommand('bm encoder', flags)
  const config = {
    numVisible: 2 * flags.group,
    numHidden: flags.hidden,
    connectivity: encoderConnectivity(flags.group, flags.hidden),
  }
  const data = encoderPatterns(flags.group)
  const root = key(flags.seed)
  const progress = createProgress({
    label: 'bm encoder',
    total: flags.restarts,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const attempts: {
    attempt: number
    solved: number
    meanProbability: number
    kl: number
    klHistory: Float64Array
  }[] = []
  let machine: BoltzmannMachine | undefined
  for (let attempt = 1; attempt <= flags.restarts; attempt++) {
    const init = initBoltzmannMachine(config, { key: fold(root, attempt - 1) })
    const result = trainBoltzmannMachine(init, data, {
      learningRate: flags.lr,
      numEpochs: flags.epochs,
      momentum: flags.momentum,
      onEpoch: (epoch, current) => {
        if (epoch % 50 !== 0) return false
        const accuracy = encoderAccuracy(current)
        return accuracy.solved === flags.group && accuracy.meanProbability > 0.9
      },
    })
    machine = result.machine
    const accuracy = encoderAccuracy(machine)
    attempts.push({ attempt, ...accuracy, kl: klDivergence(machine, data), klHistory: result.klHistory })
    progress.update(attempt, { solved: `${accuracy.solved}/${flags.group}` })
    if (accuracy.solved === flags.group) break
  }
  progress.finish()
  const last = attempts[attempts.length - 1]
  run.write(
    'kl.svg',
    linePlot(
      attempts.map((a) => ({
        label: `attempt ${a.attempt}${a.solved === flags.group ? ' (solved)' : ''}`,
        x: Array.from(a.klHistory, (_, i) => i + 1),
        y: Array.from(a.klHistory),
      })),
      {
        title: `${flags.group}-${flags.hidden}-${flags.group} encoder: KL(q ‖ p) while learning`,
        xLabel: 'learning cycle',
        yLabel: 'KL (nats)',
      },
    ),
  )
  if (machine !== undefined) {
    const n = config.numVisible + config.numHidden
    run.write(
      'weights.png',
      encodePng(
        upscale(
          toImage({ shape: [n, n], data: Float32Array.from(machine.weights) }, { range: 'symmetric' }),
          16,
        ),
      ),
    )
  }
  finishCommand(
    run,
    `${flags.group}-${flags.hidden}-${flags.group} encoder: ${last.solved} of ${flags.group} patterns passed (mean p ${last.meanProbability.toFixed(3)}) after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'}, KL ${last.kl.toFixed(4)} nats`,
    {
      group: flags.group,
      hidden: flags.hidden,
      solved: last.solved,
      meanProbability: last.meanProbability,
      kl: last.kl,
      attempts: attempts.map(({ klHistory, ...a }) => ({ ...a, epochs: klHistory.length })),
    },
    attempts.map(({ klHistory, ...a }) => ({ ...a, epochs: klHistory.length })),
  )
}

// ---------------------------------------------------------------------------------- wiring

/** Adds `gen dbn train|sample` and `gen bm encoder` to the program. */
export function addDbnCommands(program: Command): void {
  const dbn = program.command('dbn').description('deep belief networks on binarised MNIST: train, sample')
  withCommonOptions(
    dbn
      .command('train')
      .description('greedy layer-wise training on the shipped RBM, samples and a lower bound on ln p(v)'),
    'out/dbn-train',
  )
    .addOption(
      new Option('--layers <sizes>', 'unit counts from the pixels up')
        .argParser(layerSizes)
        .default([784, 500, 200], '784,500,200'),
    )
    .option('--from-scratch', 'train the first layer too (default: the shipped 784-500 RBM)')
    .option('--count <n>', 'training images (of 60000)', positiveInt('--count'), 5000)
    .option('--epochs <n>', 'epochs per layer', positiveInt('--epochs'), 2)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 100)
    .option('--lr <rate>', 'learning rate η', learningRate('--lr'), 0.05)
    .option('--momentum <mu>', 'classical momentum μ in [0, 1)', unitInterval('--momentum'), 0.5)
    .option('--samples <n>', 'samples drawn at the end', positiveInt('--samples'), 64)
    .option('--sample-steps <n>', 'Gibbs steps in the top RBM', positiveInt('--sample-steps'), 200)
    .option('--bound-count <n>', 'test digits for the lower bound', positiveInt('--bound-count'), 200)
    .option('--ais-runs <m>', "AIS runs for the top RBM's ln Z", positiveInt('--ais-runs'), 50)
    .option(
      '--ais-temperatures <k>',
      'points of the linear AIS schedule',
      positiveInt('--ais-temperatures'),
      2000,
    )
    .option('--resume', 'continue from the layer files in --out')
    .action(dbnTrain)
  withCommonOptions(
    dbn.command('sample').description('samples of a DBN from gen dbn train as a PNG sheet'),
    'out/dbn-sample',
  )
    .requiredOption('--weights <dir>', 'the --out directory of gen dbn train (layer-N.safetensors files)')
    .option('--count <n>', 'samples', positiveInt('--count'), 64)
    .option('--steps <n>', 'Gibbs steps in the top RBM', positiveInt('--steps'), 200)
    .action(dbnSampleCommand)

  const bm = program
    .command('bm')
    .description('fully connected Boltzmann machines (Ackley, Hinton & Sejnowski 1985)')
  withCommonOptions(
    bm.command('encoder').description('the 4-2-4 encoder: pass one-hot patterns through a 2-unit bottleneck'),
    'out/bm-encoder',
  )
    .option('--group <g>', 'units per visible group (patterns)', positiveInt('--group'), 4)
    .option('--hidden <h>', 'hidden units between the groups', positiveInt('--hidden'), 2)
    .option('--epochs <n>', 'learning cycles per attempt', positiveInt('--epochs'), 1000)
    .option('--lr <rate>', 'learning rate η', learningRate('--lr'), 0.5)
    .option('--momentum <mu>', 'momentum in [0, 1)', unitInterval('--momentum'), 0.5)
    .option('--restarts <n>', 'attempts from fresh weights until solved', positiveInt('--restarts'), 6)
    .action(bmEncoder)
}
