// `gen ae|dae|vae train|sample|eval|latent`: thin layers over @gen/autoencoder on MNIST.
// The VAE follows the shipped model's protocol (dynamically binarised training images, the
// test images binarised once with key(123)); the AE and DAE read grey levels in [0, 1] with
// the Bernoulli cross-entropy as their reconstruction loss.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  binarize,
  corrupt,
  decodeCheckpoint,
  decodeImages,
  encodeCheckpoint,
  encodeMean,
  evaluateAutoencoder,
  initAutoencoder,
  iwaeBound,
  knnAccuracy,
  latentGrid,
  pca,
  psnr,
  reconstruct,
  sampleImages,
  trainAutoencoder,
  tsne,
  type AutoencoderConfig,
  type Corruption,
  type DecodedCheckpoint,
} from '@gen/autoencoder'
import { vaeWeightsPath, writeCheckpoint } from '@gen/autoencoder/node'
import { fold, fromArray, key, type Tensor } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { scatterPlot } from '@gen/viz'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, startCommand } from '../command-output.ts'
import { type CommonOptions, learningRate, positiveInt, withCommonOptions } from '../common-options.ts'
import { classifyDigits, loadLenet, realPixels } from '../digit-scores.ts'
import { digitSheet } from '../digit-sheet.ts'
import { coinFlipNats, likelihoodDiverged } from '../divergence.ts'
import { resolveOutputDir, resolveUserPath } from '../output.ts'
import { createProgress } from '../progress.ts'
import { readModelFile } from '../weights-file.ts'
import { atMost, nonNegativeNumber } from './rbm.ts'

/** The three command families: plain and denoising autoencoders, and the VAE. */
type Family = 'ae' | 'dae' | 'vae'

/** The key the shipped VAE's test images were binarised with (packages/autoencoder/weights). */
const TEST_BINARIZATION_SEED = 123

const NAMES: Record<Family, string> = {
  ae: 'autoencoder',
  dae: 'denoising autoencoder',
  vae: 'variational autoencoder',
}

/** Reads an autoencoder file and checks it is the family the command is for. */
function readAutoencoder(path: string, option: string, family: Family): DecodedCheckpoint {
  const file = readModelFile(path, option, 'a gen-autoencoder checkpoint', (bytes) => decodeCheckpoint(bytes))
  const kind = familyOf(file.config)
  if (kind !== family)
    throw new CliError(
      `${option}: ${path} holds ${article(NAMES[kind])}, not ${article(NAMES[family])} (use gen ${kind})`,
    )
  if (file.config.inputShape.join('x') !== '1x28x28' || file.config.classes !== undefined)
    throw new CliError(
      `${option}: ${path} must be an unconditional model of 1x28x28 images, got ${file.config.inputShape.join('x')}${file.config.classes === undefined ? '' : ` with ${file.config.classes} classes`}`,
    )
  return file
}

const article = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`

function familyOf(config: AutoencoderConfig): Family {
  return config.kind === 'vae' ? 'vae' : config.corruption === undefined ? 'ae' : 'dae'
}

/** `count` test images as a `[count, 784]` tensor: binarised for a VAE, grey levels otherwise. */
function testImages(family: Family, images: Uint8Array, count: number): Tensor {
  const x = fromArray(realPixels(images, count), { shape: [count, 784] })
  if (family !== 'vae') return x
  const bits = binarize(x, key(TEST_BINARIZATION_SEED))
  x.dispose()
  return bits
}

/** Comma-separated positive integers (hidden widths). */
function widths(name: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((s) => s.trim())
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 4096))
      throw new InvalidArgumentError(`${name} must be comma-separated integers in [1, 4096], got ${value}`)
    return parts.map(Number)
  }
}

// ---------------------------------------------------------------------------------- train

type TrainFlags = CommonOptions & {
  hidden: number[]
  latent: number
  count: number
  testCount: number
  epochs: number
  batchSize: number
  lr: number
  beta?: number
  klWarmup?: number
  noise?: number
  noiseType?: Corruption['type']
  resume?: boolean
}

function configOf(family: Family, flags: TrainFlags): AutoencoderConfig {
  const base = {
    inputShape: [1, 28, 28] as const,
    latentDim: flags.latent,
    architecture: { type: 'dense' as const, hidden: flags.hidden },
    likelihood: 'bernoulli' as const,
  }
  if (family === 'vae') return { ...base, kind: 'vae', beta: flags.beta ?? 1 }
  if (family === 'ae') return { ...base, kind: 'ae' }
  return {
    ...base,
    kind: 'ae',
    corruption: { type: flags.noiseType ?? 'masking', level: flags.noise ?? 0.3 },
  }
}

/**
 * `gen <family> train`: minibatch Adam on MNIST with a checkpoint (Adam's state included)
 * after every epoch; `--resume` continues from it exactly (trainAutoencoder folds every random
 * draw from the run key by epoch and step).
 */
async function train(family: Family, flags: TrainFlags): Promise<void> {
  if (flags.batchSize > flags.count)
    throw new CliError(`--batch-size must be at most --count (${flags.count} images), got ${flags.batchSize}`)
  atMost('--count', flags.count, 60000, 'MNIST training images')
  atMost('--test-count', flags.testCount, 10000, 'MNIST test images')
  atMost('--latent', flags.latent, 1024, 'dimensions')
  if (family === 'dae' && flags.noiseType !== 'gaussian' && (flags.noise ?? 0) > 1)
    throw new CliError(
      `--noise must be a probability in [0, 1] for --noise-type ${flags.noiseType}, got ${flags.noise}`,
    )
  const config = configOf(family, flags)
  const settings = JSON.stringify({
    count: flags.count,
    batchSize: flags.batchSize,
    lr: flags.lr,
    klWarmup: flags.klWarmup ?? 0,
    seed: flags.seed,
  })
  const outDir = resolveOutputDir(flags.out)
  const checkpointPath = join(outDir, 'checkpoint.safetensors')
  if (flags.resume && !existsSync(checkpointPath))
    throw new CliError(`--resume: no checkpoint to resume from at ${checkpointPath}`)
  const resume = flags.resume ? readAutoencoder(checkpointPath, '--resume', family) : undefined
  if (resume !== undefined) {
    if (JSON.stringify(resume.config) !== JSON.stringify(config) || resume.metadata.settings !== settings)
      throw new CliError(
        `--resume: the checkpoint at ${checkpointPath} was trained with other settings (${resume.metadata.config}, ${resume.metadata.settings}); use the same options as the first run`,
      )
    if (resume.optimizer === undefined)
      throw new CliError(`--resume: ${checkpointPath} holds no optimizer state`)
    if (resume.epoch >= flags.epochs)
      throw new CliError(
        `--resume: the run in ${outDir} already finished (epoch ${resume.epoch} of ${flags.epochs}); raise --epochs to train further`,
      )
  }
  const { train: trainSplit, test } = await loadMnist()
  const run = startCommand(`${family} train`, flags, ['cpu'])
  const root = key(flags.seed)
  const data = fromArray(realPixels(trainSplit.images, flags.count), { shape: [flags.count, 784] })
  const testData = testImages(family, test.images, flags.testCount)
  const stepsPerEpoch = Math.floor(flags.count / flags.batchSize)
  const progress = createProgress({
    label: `${family} train`,
    total: flags.epochs * stepsPerEpoch,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  run.log(
    `${family} train: 784-${flags.hidden.join('-')}-${flags.latent}, ${flags.count} images, ${flags.epochs} epochs${resume ? `, resuming after epoch ${resume.epoch}` : ''}`,
  )
  const earlier: Record<string, number>[] = resume
    ? (JSON.parse(resume.metadata.history ?? '[]') as Record<string, number>[])
    : []
  const rows = [...earlier]
  const result = await trainAutoencoder({
    config,
    params: resume === undefined ? initAutoencoder(config, { key: fold(root, 0) }) : undefined,
    resume,
    data,
    testData,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.lr,
    key: fold(root, 1),
    binarize: family === 'vae' ? 'dynamic' : 'none',
    klWarmupSteps: flags.klWarmup,
    logEvery: Math.max(1, Math.floor(stepsPerEpoch / 20)),
    onProgress: (p) => {
      if (!Number.isFinite(p.trainElbo))
        throw new CliError(
          `training diverged: ELBO ${p.trainElbo} at step ${p.step}; lower --lr (got ${flags.lr})`,
        )
      for (const [what, nats] of [
        [family === 'vae' ? 'train ELBO' : 'train log p(x | x̂)', p.trainElbo],
        [family === 'vae' ? 'test ELBO' : 'test log p(x | x̂)', p.testElbo],
      ] as const) {
        if (nats !== undefined && likelihoodDiverged(nats))
          throw new CliError(
            `training diverged: ${what} ${nats.toPrecision(4)} nats at step ${p.step}, below twice the ${(-coinFlipNats()).toFixed(1)} of a coin flip per pixel; lower --lr (got ${flags.lr})`,
          )
      }
      if (p.phase === 'train') progress.update(p.step, { epoch: String(p.epoch + 1), elbo: p.trainElbo })
      else {
        rows.push({
          epoch: p.epoch + 1,
          step: p.step,
          train_elbo: p.trainElbo,
          test_elbo: p.testElbo ?? Number.NaN,
          test_rec: p.testRec ?? Number.NaN,
          test_kl: p.testKl ?? Number.NaN,
        })
        run.log(
          `${family} train: epoch ${p.epoch + 1}: test ${family === 'vae' ? 'ELBO' : 'log p(x | x̂)'} ${(p.testElbo ?? 0).toFixed(2)} nats`,
        )
      }
    },
    onCheckpoint: (c) =>
      writeCheckpoint(checkpointPath, c, { metadata: { settings, history: JSON.stringify(rows) } }),
  })
  progress.finish()
  run.files.push(checkpointPath)
  run.write(
    'weights.safetensors',
    encodeCheckpoint(result.checkpoint, { includeOptimizer: false, metadata: { settings } }),
  )
  // the JSON sidecar: what the weights are and how they were made (also in their metadata)
  run.write(
    'weights.json',
    `${JSON.stringify({ kind: 'gen-autoencoder', config, epochs: flags.epochs, settings: JSON.parse(settings) as unknown }, null, 2)}\n`,
  )
  writePictures(run, { config, params: result.params }, testData, fold(root, 2))
  const last = rows.at(-1)
  finishCommand(
    run,
    `784-${flags.hidden.join('-')}-${flags.latent} ${family.toUpperCase()} after ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'}: test ${family === 'vae' ? 'ELBO' : 'log p(x | x̂)'} ${last?.test_elbo.toFixed(2)} nats on ${flags.testCount} digits`,
    { config, testElbo: last?.test_elbo ?? null, epochs: rows },
    rows.map((row) => ({ ...row })),
  )
}

/** samples.png (VAE), reconstructions.png and, for a DAE, its corrupted inputs beside them. */
function writePictures(
  run: { write(file: string, content: Uint8Array): string },
  model: { config: AutoencoderConfig; params: DecodedCheckpoint['params'] },
  testData: Tensor,
  k: ReturnType<typeof key>,
): void {
  const { config, params } = model
  if (config.kind === 'vae')
    run.write('samples.png', digitSheet(sampleImages(config, params, { count: 64, key: k }).dataSync(), 64))
  const first = fromArray(testData.dataSync().subarray(0, 10 * 784), { shape: [10, 784] })
  const input = config.corruption === undefined ? first : corrupt(config.corruption, first, fold(k, 1))
  const rebuilt = reconstruct(config, params, input).dataSync()
  const rows = [first.dataSync(), ...(input === first ? [] : [input.dataSync()]), rebuilt]
  run.write(
    'reconstructions.png',
    digitSheet(
      rows.flatMap((r) => Array.from(r)),
      rows.length * 10,
    ),
  )
}

// ---------------------------------------------------------------------------------- sample

type SampleFlags = CommonOptions & { weights?: string; count: number }

/**
 * `gen vae sample`: decoder means E[x | z] for z ~ N(0, I), read by the shipped LeNet-5.
 * `gen ae|dae sample`: an autoencoder has no prior, so it shows what it can make: the
 * reconstructions of test digits (a DAE's of masked or noisy ones).
 */
async function sample(family: Family, flags: SampleFlags): Promise<void> {
  if (flags.weights === undefined && family !== 'vae')
    throw new CliError(
      `--weights: gen ${family} sample needs a model from gen ${family} train (only a VAE is shipped)`,
    )
  const path = flags.weights === undefined ? vaeWeightsPath() : resolveUserPath(flags.weights)
  const { config, params } = readAutoencoder(path, '--weights', family)
  atMost('--count', flags.count, 10000, 'images')
  const { test } = await loadMnist()
  const run = startCommand(`${family} sample`, flags, ['cpu'])
  const root = key(flags.seed)
  const lenet = await loadLenet()
  let pixels: Float32Array
  let agreement: number | null = null
  let fidelity: number | null = null
  if (family === 'vae') {
    pixels = Float32Array.from(
      sampleImages(config, params, { count: flags.count, key: fold(root, 0) }).dataSync(),
    )
    run.write('samples.png', digitSheet(pixels, flags.count))
  } else {
    const clean = testImages(family, test.images, flags.count)
    const input = config.corruption === undefined ? clean : corrupt(config.corruption, clean, fold(root, 0))
    const rebuilt = reconstruct(config, params, input)
    pixels = Float32Array.from(rebuilt.dataSync())
    fidelity = psnr(clean, rebuilt)
    if (input !== clean) run.write('inputs.png', digitSheet(input.dataSync(), flags.count))
    run.write('reconstructions.png', digitSheet(pixels, flags.count))
    const predicted = classifyDigits(lenet, pixels, flags.count).predictions
    agreement = predicted.filter((p, i) => p === test.labels[i]).length / flags.count
  }
  const seen = classifyDigits(lenet, pixels, flags.count)
  finishCommand(
    run,
    family === 'vae'
      ? `${flags.count} samples; LeNet reads ${seen.digitsSeen} different digits (class entropy ${seen.classEntropy.toFixed(3)} nats)`
      : `${flags.count} reconstructions at ${fidelity?.toFixed(2)} dB PSNR; LeNet reads ${(100 * (agreement ?? 0)).toFixed(1)}% as their digit`,
    {
      weights: path,
      count: flags.count,
      digitCounts: seen.counts,
      digitsSeen: seen.digitsSeen,
      classEntropy: seen.classEntropy,
      psnr: fidelity,
      labelAgreement: agreement,
    },
    seen.counts.map((n, digit) => ({ digit, images: n })),
  )
}

// ---------------------------------------------------------------------------------- eval

type EvalFlags = CommonOptions & { weights?: string; count: number; iwae: number }

/**
 * `gen vae eval`: the ELBO (one reparameterised sample per image, closed-form KL) and the
 * k-sample IWAE bound (Burda et al. 2016), both lower bounds on ln p(x), with L_1 ≤ L_k ≤ ln p(x).
 * `gen ae|dae eval`: the reconstruction log-likelihood ln p(x | x̂) (Bernoulli cross-entropy,
 * nats per image) and the PSNR, for a DAE of clean and of corrupted inputs.
 */
async function evaluate(family: Family, flags: EvalFlags): Promise<void> {
  if (flags.weights === undefined && family !== 'vae')
    throw new CliError(
      `--weights: gen ${family} eval needs a model from gen ${family} train (only a VAE is shipped)`,
    )
  const path = flags.weights === undefined ? vaeWeightsPath() : resolveUserPath(flags.weights)
  const { config, params } = readAutoencoder(path, '--weights', family)
  atMost('--count', flags.count, 10000, 'MNIST test images')
  atMost('--iwae', flags.iwae, 10000, 'samples')
  const { test } = await loadMnist()
  const run = startCommand(`${family} eval`, flags, ['cpu'])
  const root = key(flags.seed)
  const x = testImages(family, test.images, flags.count)
  const evaluation = evaluateAutoencoder(config, params, x, { key: fold(root, 0) })
  if (family === 'vae') {
    run.log(`vae eval: IWAE bound with k = ${flags.iwae} on ${flags.count} test digits`)
    const bound = iwaeBound(config, params, x, { samples: flags.iwae, key: fold(root, 1) })
    let sum = 0
    let sumSquares = 0
    for (const b of bound) {
      sum += b
      sumSquares += b * b
    }
    const iwae = sum / flags.count
    const iwaeStdErr = Math.sqrt(Math.max(0, sumSquares / flags.count - iwae * iwae) / flags.count)
    finishCommand(
      run,
      `${flags.count} binarised test digits: ELBO ${evaluation.elbo.toFixed(2)} nats (rec ${evaluation.rec.toFixed(2)}, KL ${evaluation.kl.toFixed(2)}), IWAE k=${flags.iwae} ${iwae.toFixed(2)} nats`,
      {
        weights: path,
        testImages: flags.count,
        elbo: evaluation.elbo,
        rec: evaluation.rec,
        kl: evaluation.kl,
        iwae,
        iwaeStdErr,
        iwaeSamples: flags.iwae,
      },
      [
        {
          test_images: flags.count,
          elbo: evaluation.elbo,
          rec: evaluation.rec,
          kl: evaluation.kl,
          iwae,
          iwae_samples: flags.iwae,
        },
      ],
    )
    return
  }
  const cleanPsnr = psnr(x, reconstruct(config, params, x))
  let corrupted: Record<string, number> = {}
  if (config.corruption !== undefined) {
    const noisy = corrupt(config.corruption, x, fold(root, 2))
    const denoised = evaluateAutoencoder(config, params, x, { key: fold(root, 2), corrupt: true })
    corrupted = {
      corruptedRec: denoised.rec,
      inputPsnr: psnr(x, noisy),
      denoisedPsnr: psnr(x, reconstruct(config, params, noisy)),
    }
  }
  finishCommand(
    run,
    `${flags.count} test digits: log p(x | x̂) ${evaluation.rec.toFixed(2)} nats, PSNR ${cleanPsnr.toFixed(2)} dB${corrupted.denoisedPsnr === undefined ? '' : `; corrupted inputs ${corrupted.inputPsnr.toFixed(2)} dB, denoised ${corrupted.denoisedPsnr.toFixed(2)} dB`}`,
    { weights: path, testImages: flags.count, rec: evaluation.rec, psnr: cleanPsnr, ...corrupted },
    [{ test_images: flags.count, rec: evaluation.rec, psnr: cleanPsnr, ...corrupted }],
  )
}

// ---------------------------------------------------------------------------------- latent

type LatentFlags = CommonOptions & { weights?: string; count: number; method: 'pca' | 'tsne' }

/**
 * `gen <family> latent`: the codes (μ(x) for a VAE) of `--count` test digits, in 2-D directly
 * when the code is 2-D, else by PCA or t-SNE, as a scatter plot coloured by digit, with the
 * 5-nearest-neighbour accuracy of the digits in the code space and in the map. A 2-D VAE also
 * gets the decoded latent grid (Kingma & Welling 2014, Fig. 4).
 */
async function latent(family: Family, flags: LatentFlags): Promise<void> {
  if (flags.weights === undefined && family !== 'vae')
    throw new CliError(
      `--weights: gen ${family} latent needs a model from gen ${family} train (only a VAE is shipped)`,
    )
  const path = flags.weights === undefined ? vaeWeightsPath() : resolveUserPath(flags.weights)
  const { config, params } = readAutoencoder(path, '--weights', family)
  atMost('--count', flags.count, 10000, 'MNIST test images')
  if (flags.count < 10) throw new CliError(`--count must be at least 10 for a map, got ${flags.count}`)
  const { test } = await loadMnist()
  const run = startCommand(`${family} latent`, flags, ['cpu'])
  const x = testImages(family, test.images, flags.count)
  const codes = encodeMean(config, params, x)
  const matrix = {
    data: Float64Array.from(codes.dataSync()),
    shape: [flags.count, config.latentDim] as [number, number],
  }
  const labels = test.labels.subarray(0, flags.count)
  const method = config.latentDim === 2 ? 'identity' : flags.method
  const embedding =
    method === 'identity'
      ? matrix
      : method === 'pca'
        ? pca(matrix, { components: 2 }).embedding
        : tsne(matrix, { key: fold(key(flags.seed), 0), method: 'barnes-hut' }).embedding
  run.write(
    'latent.svg',
    scatterPlot(
      { points: embedding, classes: labels },
      {
        title: `${family.toUpperCase()} codes of ${flags.count} test digits${method === 'identity' ? '' : ` (${method.toUpperCase()} of ${config.latentDim}-D)`}`,
        xLabel: method === 'identity' ? 'z₁' : `${method} 1`,
        yLabel: method === 'identity' ? 'z₂' : `${method} 2`,
        classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      },
    ),
  )
  if (family === 'vae' && config.latentDim === 2) {
    const grid = latentGrid({ rows: 15, latentSize: 2 })
    const images = decodeImages(config, params, fromArray(Float32Array.from(grid.data), { shape: [225, 2] }))
    run.write('latent-grid.png', digitSheet(images.dataSync(), 225, { columns: 15 }))
  }
  const codeAccuracy = knnAccuracy(matrix, labels, { k: 5 })
  const mapAccuracy = knnAccuracy(embedding, labels, { k: 5 })
  finishCommand(
    run,
    `${flags.count} codes mapped by ${method}: 5-NN digit accuracy ${(100 * codeAccuracy).toFixed(1)}% in the ${config.latentDim}-D code, ${(100 * mapAccuracy).toFixed(1)}% in the map`,
    {
      weights: path,
      count: flags.count,
      latentDim: config.latentDim,
      method,
      knnAccuracyCode: codeAccuracy,
      knnAccuracyMap: mapAccuracy,
    },
    Array.from({ length: flags.count }, (_, i) => ({
      label: labels[i],
      x: embedding.data[2 * i],
      y: embedding.data[2 * i + 1],
    })),
  )
}

// ---------------------------------------------------------------------------------- wiring

/** Adds `gen ae|dae|vae train|sample|eval|latent` to the program. */
export function addAutoencoderCommands(program: Command): void {
  for (const family of ['ae', 'dae', 'vae'] as const) {
    const group = program
      .command(family)
      .description(`${NAMES[family]}s on MNIST: train, sample, evaluate, map the latent space`)
    const shipped =
      family === 'vae' ? ' (default: the shipped 784-400-20 VAE)' : ' (from gen ' + family + ' train)'

    const trainCommand = withCommonOptions(
      group.command('train').description(`train a dense ${NAMES[family]} with checkpoints and --resume`),
      `out/${family}-train`,
    )
      .addOption(
        new Option(
          '--hidden <widths>',
          'hidden widths of the encoder, comma-separated (the decoder mirrors them)',
        )
          .argParser(widths('--hidden'))
          .default([200], '200'),
      )
      .option('--latent <n>', 'code size', positiveInt('--latent'), family === 'vae' ? 20 : 32)
      .option('--count <n>', 'training images (of 60000)', positiveInt('--count'), 10000)
      .option('--test-count <n>', 'test images scored after each epoch', positiveInt('--test-count'), 1000)
      .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 2)
      .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 100)
      .option('--lr <rate>', 'Adam learning rate', learningRate('--lr'), 1e-3)
      .option('--resume', 'continue from checkpoint.safetensors in --out')
    if (family === 'vae')
      trainCommand
        .option('--beta <b>', 'weight β of the KL term (β-VAE)', nonNegativeNumber('--beta'), 1)
        .option(
          '--kl-warmup <steps>',
          'ramp the KL weight from 0 to β over this many steps',
          positiveInt('--kl-warmup'),
        )
    if (family === 'dae')
      trainCommand
        .addOption(
          new Option('--noise-type <type>', 'input corruption')
            .choices(['masking', 'gaussian', 'saltPepper'])
            .default('masking'),
        )
        .option(
          '--noise <level>',
          'masking/salt-and-pepper probability, or the Gaussian σ',
          nonNegativeNumber('--noise'),
          0.3,
        )
    trainCommand.action((flags: TrainFlags) => train(family, flags))

    withCommonOptions(
      group
        .command('sample')
        .description(
          family === 'vae'
            ? 'decoder samples from the prior as a PNG sheet'
            : 'reconstructions of test digits as a PNG sheet',
        ),
      `out/${family}-sample`,
    )
      .option('--weights <file>', `a checkpoint or weights file${shipped}`)
      .option('--count <n>', 'images', positiveInt('--count'), 64)
      .action((flags: SampleFlags) => sample(family, flags))

    withCommonOptions(
      group
        .command('eval')
        .description(
          family === 'vae' ? 'test ELBO and IWAE bound in nats' : 'reconstruction log-likelihood and PSNR',
        ),
      `out/${family}-eval`,
    )
      .option('--weights <file>', `a checkpoint or weights file${shipped}`)
      .option('--count <n>', 'test images (of 10000)', positiveInt('--count'), 1000)
      .option('--iwae <k>', 'importance samples of the IWAE bound (VAE)', positiveInt('--iwae'), 50)
      .action((flags: EvalFlags) => evaluate(family, flags))

    withCommonOptions(
      group.command('latent').description('a 2-D map of the codes of test digits, coloured by digit'),
      `out/${family}-latent`,
    )
      .option('--weights <file>', `a checkpoint or weights file${shipped}`)
      .option('--count <n>', 'test images (of 10000)', positiveInt('--count'), 2000)
      .addOption(
        new Option('--method <name>', 'map of codes wider than 2-D').choices(['pca', 'tsne']).default('pca'),
      )
      .action((flags: LatentFlags) => latent(family, flags))
  }
}
