// `gen diffusion train|sample`: thin layers over @gen/diffusion on the 2-D toy sets of
// @gen/datasets: an MLP denoiser trained by DDPM (ε-prediction on a cosine schedule), flow
// matching or NCSN denoising score matching, with resumable checkpoints; samples drawn with the
// samplers that fit the family, scored by the energy distance to fresh data and, on
// 8 Gaussians, by mode coverage. MNIST is refused: a UNet step takes seconds on this CPU.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fold, fromArray, key } from '@gen/core-tensor'
import { decodeSafetensors } from '@gen/core-tensor/io'
import {
  decodeDenoiser,
  decodeDenoiserCheckpoint,
  type DecodedDenoiser,
  type DenoiserCheckpoint,
  type DenoiserConfig,
  encodeDenoiser,
  encodeDenoiserCheckpoint,
  initDenoiser,
  type MlpDenoiserConfig,
  trainDenoiser,
} from '@gen/diffusion'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { type CommandRun, finishCommand, startCommand } from '../command-output.ts'
import {
  type CommonOptions,
  learningRate,
  positiveInt,
  positiveNumber,
  withCommonOptions,
} from '../common-options.ts'
import { resolveOutputDir, resolveUserPath, writeFileAtomic } from '../output.ts'
import { onInterrupt, yieldToSignals } from '../interrupt.ts'
import { createProgress } from '../progress.ts'
import {
  DEFAULT_SAMPLER,
  defaultSamplerSteps,
  eightGaussiansLabels,
  pointsCsv,
  SAMPLERS_OF,
  sampleToy,
  scatterPng,
  scatterSvg,
  scoreEightGaussiansClass,
  scoreToy,
  TOY_METHODS,
  TOY_SAMPLERS,
  TOY_SETS,
  TOY_SIGMAS,
  toyConfig,
  toyData,
  toyObjective,
  type ToyMethod,
  type ToyRecipe,
  type ToySampler,
  type ToySetName,
  toyView,
} from '../toy-diffusion.ts'
import { readModelFile } from '../weights-file.ts'
import { atMost, nonNegativeNumber, unitInterval } from './rbm.ts'

/** What `--data mnist` says: the missing piece named, nothing faked. */
export const MNIST_REFUSAL =
  '--data mnist: not available yet: a UNet denoiser step on 28×28 digits takes seconds on this CPU (about 10 images/s), so gen diffusion trains the 2-D toy sets only until the gpu backend or shipped UNet weights land'

const METHOD_NAMES: Record<ToyMethod, string> = {
  ddpm: 'a DDPM (noise-prediction)',
  flow: 'a flow-matching',
  score: 'a score (NCSN)',
}

/** `1 step`, `2 steps`: a count with its noun. */
const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/** The most samples scored at once: the energy distance is O(N²) pairs. */
const MAX_SAMPLES = 5000

/** The fresh data a sample is scored against: another stream than the training points'. */
const referenceSeed = (seed: number) => (seed + 1_000_003) % Number.MAX_SAFE_INTEGER

/**
 * The energy distance compares pairs within each sample, so a sample of one point cannot be
 * scored: refused before anything is trained or written.
 */
function atLeastTwo(option: string, count: number): void {
  if (count < 2) throw new CliError(`${option} must be at least 2 for an energy distance, got ${count}`)
}

/** Refuses a sampler that does not fit the family, or a step count it cannot take. */
function checkSampler(recipe: ToyRecipe, sampler: ToySampler, steps: number, option: string): void {
  const fits = SAMPLERS_OF[recipe.method]
  if (!fits.includes(sampler))
    throw new CliError(
      `--sampler: ${METHOD_NAMES[recipe.method]} model samples with ${fits.join(', ')}, got ${sampler}`,
    )
  const T = recipe.numTimesteps ?? 100
  if (sampler === 'ddpm' && steps !== T)
    throw new CliError(
      `${option}: the ddpm sampler runs all ${T} steps of the schedule, got ${steps}; use --sampler ddim for fewer`,
    )
  if (recipe.method === 'ddpm' && sampler !== 'ddpm')
    atMost(option, steps, T - 1, `for ${sampler} (it starts at t = T − 2, T = ${T})`)
  else atMost(option, steps, 10000, sampler === 'langevin' ? 'steps per noise level' : 'steps')
}

/** `--step-size` given for a sampler that has none: refused, not ignored. */
function refuseStepSize(command: Command, sampler: ToySampler): void {
  if (sampler !== 'langevin' && command.getOptionValueSource('stepSize') === 'cli')
    throw new CliError(`--step-size: only the langevin sampler takes a step size, got --sampler ${sampler}`)
}

/** Samples, scores and pictures of a trained model: the part train and sample share. */
function drawAndScore(
  run: CommandRun,
  model: {
    recipe: ToyRecipe
    config: MlpDenoiserConfig
    params: DecodedDenoiser['params']
    data: ToySetName
  },
  options: {
    sampler: ToySampler
    steps: number
    count: number
    seed: number
    stepSize?: number
    quiet: boolean
    label?: number
    guidance?: number
  },
) {
  const distribution = TOY_SETS[model.data]()
  // the sampler's own updates (Heun and Langevin make more than --steps): the bar starts at
  // the first one, which says how many there are
  let progress: ReturnType<typeof createProgress> | undefined
  const started = performance.now()
  const samples = sampleToy(model.recipe, model.config, model.params, {
    sampler: options.sampler,
    steps: options.steps,
    count: options.count,
    key: fold(key(options.seed), 2),
    stepSize: options.stepSize,
    onStep: (step, total) => {
      progress ??= createProgress({ label: `sample (${options.sampler})`, total, quiet: options.quiet })
      progress.update(step)
    },
    label: options.label,
    guidance: options.guidance,
  })
  progress?.finish()
  const sampleSeconds = (performance.now() - started) / 1000
  const nonFinite = samples.findIndex((v) => !Number.isFinite(v))
  if (nonFinite >= 0)
    throw new CliError(
      `sampling diverged: sample ${Math.floor(nonFinite / 2)} is ${samples[nonFinite]}${options.sampler === 'langevin' ? '; lower --step-size' : ''}`,
    )
  const scores = scoreToy(distribution, samples, referenceSeed(options.seed))
  const view = toyView(distribution)
  const title = `${model.recipe.method} on ${model.data}, ${options.sampler} ${counted(options.steps, 'step')}${options.label === undefined ? '' : `, class ${options.label} at guidance ${options.guidance ?? 1}`}`
  run.write('samples.csv', pointsCsv(samples))
  run.write('samples.png', scatterPng(scores.reference, samples, view))
  run.write('samples.svg', scatterSvg(scores.reference, samples, view, title))
  const coverage = scores.coverage
  const asked =
    options.label === undefined
      ? undefined
      : scoreEightGaussiansClass(samples, options.label, referenceSeed(options.seed) + 3)
  const numbers = {
    sampler: options.sampler,
    samplerSteps: options.steps,
    count: options.count,
    energyDistance: scores.energyDistance,
    gaussianEnergyDistance: scores.gaussianEnergyDistance,
    dataEnergyDistance: scores.dataEnergyDistance,
    energyRatio: scores.ratio,
    ...(coverage === undefined
      ? {}
      : { modesHit: coverage.modesHit, modeCounts: coverage.counts, farFraction: coverage.farFraction }),
    ...(asked === undefined
      ? {}
      : {
          class: options.label,
          guidance: options.guidance ?? 1,
          classFraction: asked.classFraction,
          classEnergyDistance: asked.classEnergyDistance,
        }),
    sampleSeconds,
  }
  const classLine =
    asked === undefined
      ? ''
      : `; mode ${options.label} at guidance ${options.guidance ?? 1}: ${(100 * asked.classFraction).toFixed(1)}% of the samples in it, energy distance ${asked.classEnergyDistance.toFixed(4)} to that mode alone`
  const summary = `${counted(options.count, 'sample')} (${options.sampler}, ${counted(options.steps, 'step')}): energy distance ${scores.energyDistance.toFixed(4)} to fresh data (the fitted Gaussian: ${scores.gaussianEnergyDistance.toFixed(4)}, fresh data itself: ${scores.dataEnergyDistance.toFixed(4)})${coverage === undefined ? '' : `, ${coverage.modesHit} of 8 modes hit, ${(100 * coverage.farFraction).toFixed(1)}% off-mode`}${classLine}`
  return { numbers, summary }
}

// ---------------------------------------------------------------------------------- train

type TrainFlags = CommonOptions & {
  data: ToySetName | 'mnist'
  method: ToyMethod
  count: number
  steps: number
  batchSize: number
  lr: number
  width: number
  depth: number
  timesteps: number
  ema: number
  checkpointEvery: number
  sampler?: ToySampler
  sampleSteps?: number
  evalCount: number
  stepSize: number
  conditional?: boolean
  resume?: boolean
}

/** The largest divisor of `every` at most `target`: progress rows that line up with checkpoints. */
function logInterval(every: number, target: number): number {
  for (let d = Math.min(every, Math.max(1, target)); d > 1; d--) if (every % d === 0) return d
  return 1
}

/** The option behind each key of a train run's settings. */
const SETTING_OPTIONS: Record<string, string> = {
  data: '--data',
  method: '--method',
  count: '--count',
  batchSize: '--batch-size',
  lr: '--lr',
  ema: '--ema',
  timesteps: '--timesteps',
  seed: '--seed',
}

/**
 * What `--resume` names when the checkpoint was trained otherwise: each option whose value
 * differs from the checkpoint's, `--width differs from the checkpoint's (64), got 32`; empty
 * when the difference is in nothing an option sets (a checkpoint of another version).
 */
function optionsThatDiffer(
  before: DenoiserConfig,
  beforeSettings: string | undefined,
  now: MlpDenoiserConfig,
  nowSettings: string,
): string[] {
  const differs = (option: string, was: unknown, is: unknown) =>
    `${option} differs from the checkpoint's (${String(was)}), got ${String(is)}`
  const found: string[] = []
  let old: Record<string, unknown> = {}
  try {
    old = JSON.parse(beforeSettings ?? '{}') as Record<string, unknown>
  } catch {
    // unreadable settings: only the config is compared
  }
  const fresh = JSON.parse(nowSettings) as Record<string, unknown>
  for (const [name, option] of Object.entries(SETTING_OPTIONS)) {
    // --timesteps is a setting of ddpm runs only; a --method difference already says it
    if (!(name in old) || !(name in fresh)) continue
    if (old[name] !== fresh[name]) found.push(differs(option, old[name], fresh[name]))
  }
  if (before.kind === 'mlp') {
    if (before.hidden.length !== now.hidden.length)
      found.push(differs('--depth', before.hidden.length, now.hidden.length))
    if (before.hidden[0] !== now.hidden[0]) found.push(differs('--width', before.hidden[0], now.hidden[0]))
  }
  if ((before.numClasses === undefined) !== (now.numClasses === undefined))
    found.push(
      differs(
        '--conditional',
        before.numClasses === undefined ? 'not given' : 'given',
        now.numClasses === undefined ? 'not given' : 'given',
      ),
    )
  return found
}

/**
 * `gen diffusion train`: Adam on the family's objective (trainDenoiser), an EMA of the weights,
 * a resumable checkpoint every `--checkpoint-every` steps (`--resume` continues bit for bit:
 * the batch, times and noise of step s come from fold(key, s)), then samples of the EMA.
 */
async function train(flags: TrainFlags, command: Command): Promise<void> {
  if (flags.data === 'mnist') throw new CliError(MNIST_REFUSAL)
  const data = flags.data
  atMost('--count', flags.count, 1_000_000, 'points')
  if (flags.batchSize > flags.count)
    throw new CliError(
      `--batch-size must be at most --count (${counted(flags.count, 'point')}), got ${flags.batchSize}`,
    )
  atMost('--width', flags.width, 1024, 'units')
  atMost('--depth', flags.depth, 8, 'hidden layers')
  atLeastTwo('--eval-count', flags.evalCount)
  atMost('--eval-count', flags.evalCount, MAX_SAMPLES, 'samples (the energy distance is O(N²))')
  if (flags.timesteps < 2) throw new CliError(`--timesteps must be at least 2, got ${flags.timesteps}`)
  atMost('--timesteps', flags.timesteps, 4000, 'steps')
  const recipe: ToyRecipe =
    flags.method === 'ddpm'
      ? { method: 'ddpm', numTimesteps: flags.timesteps }
      : flags.method === 'score'
        ? { method: 'score', sigmas: TOY_SIGMAS }
        : { method: 'flow' }
  if (flags.method !== 'ddpm' && command.getOptionValueSource('timesteps') === 'cli')
    throw new CliError(`--timesteps: only --method ddpm has a noise schedule, got --method ${flags.method}`)
  const sampler = flags.sampler ?? DEFAULT_SAMPLER[flags.method]
  refuseStepSize(command, sampler)
  const sampleSteps = flags.sampleSteps ?? defaultSamplerSteps(sampler, recipe.numTimesteps ?? 100)
  checkSampler(recipe, sampler, sampleSteps, flags.sampleSteps === undefined ? '--sampler' : '--sample-steps')
  if (flags.conditional && data !== 'eight-gaussians')
    throw new CliError(
      `--conditional: the classes are the 8 modes of eight-gaussians (no other set has labels), got --data ${data}`,
    )
  const config = toyConfig(recipe, flags.width, flags.depth, flags.conditional ? 8 : undefined)
  const settings = JSON.stringify({
    data,
    method: flags.method,
    count: flags.count,
    batchSize: flags.batchSize,
    lr: flags.lr,
    ema: flags.ema,
    ...(flags.method === 'ddpm' ? { timesteps: flags.timesteps } : {}),
    seed: flags.seed,
  })
  const outDir = resolveOutputDir(flags.out)
  const checkpointPath = join(outDir, 'checkpoint.safetensors')
  let resume: DenoiserCheckpoint | undefined
  let resumeMetadata: Record<string, string> = {}
  if (flags.resume) {
    if (!existsSync(checkpointPath))
      throw new CliError(`--resume: no checkpoint to resume from at ${checkpointPath}`)
    resume = readModelFile(checkpointPath, '--resume', 'a gen-diffusion checkpoint', (bytes) => {
      resumeMetadata = { ...decodeSafetensors(bytes).metadata }
      return decodeDenoiserCheckpoint(bytes)
    })
    if (JSON.stringify(resume.config) !== JSON.stringify(config) || resumeMetadata.settings !== settings) {
      const differing = optionsThatDiffer(resume.config, resumeMetadata.settings, config, settings)
      throw new CliError(
        differing.length > 0
          ? `--resume: ${differing.join('; ')}; use the first run's options`
          : `--resume: the checkpoint at ${checkpointPath} was trained with other settings (${JSON.stringify(resume.config)}, ${resumeMetadata.settings ?? 'none'}); use the same options as the first run`,
      )
    }
    if (resume.step >= flags.steps)
      throw new CliError(
        `--resume: the run in ${outDir} already finished (step ${resume.step} of ${flags.steps}); raise --steps to train further`,
      )
  }
  const run = startCommand('diffusion train', flags, ['cpu'])
  const quiet = (flags.quiet ?? false) || (flags.json ?? false)
  const root = key(flags.seed)
  const distribution = TOY_SETS[data]()
  const points = toyData(distribution, flags.count, flags.seed)
  run.log(
    `diffusion train: ${flags.method} on ${counted(flags.count, 'point')} of ${data}, a ${flags.depth}×${flags.width} MLP, ${counted(flags.steps, 'step')} of batch ${flags.batchSize}${resume ? `, resuming at step ${resume.step}` : ''}`,
  )
  // Ctrl-C while training says where the run stopped and what --resume continues from
  let reached = resume?.step ?? 0
  let saved = resume?.step
  const progress = createProgress({ label: 'diffusion train', total: flags.steps, quiet })
  const stopInterrupt = onInterrupt(
    () =>
      saved === undefined
        ? `interrupted at step ${reached} of ${flags.steps}, before the first checkpoint (step ${Math.min(flags.checkpointEvery, flags.steps)}); nothing was saved`
        : `interrupted at step ${reached} of ${flags.steps}; the checkpoint (step ${saved}) is in ${outDir}; rerun with the same options and --resume to continue`,
    () => progress.stop(),
  )
  // snake_case words in the history, as gen gan train's gradient_penalty (checkpoints of the
  // first release wrote grad_norm)
  const rows: Record<string, number>[] = resume
    ? (JSON.parse(resumeMetadata.history ?? '[]') as Record<string, number>[]).map(
        ({ grad_norm: gradNorm, ...row }) =>
          gradNorm === undefined ? row : { ...row, gradient_norm: gradNorm },
      )
    : []
  const started = performance.now()
  const result = await trainDenoiser({
    config,
    ...(resume === undefined ? { params: initDenoiser(config, { key: fold(root, 0) }) } : { resume }),
    objective: toyObjective(recipe),
    data: points,
    // the mode of each point; trainDenoiser drops 10% of them to the null label, so the model
    // also learns the unconditional model that classifier-free guidance needs
    ...(flags.conditional
      ? { labels: fromArray(eightGaussiansLabels(points.dataSync()), { dtype: 'int32' }) }
      : {}),
    steps: flags.steps,
    batchSize: flags.batchSize,
    optimizer: { learningRate: flags.lr },
    emaDecay: flags.ema,
    key: fold(root, 1),
    logEvery: logInterval(flags.checkpointEvery, Math.ceil(flags.steps / 20)),
    onProgress: (p) => {
      reached = p.step
      rows.push({ step: p.step, loss: p.loss, gradient_norm: p.gradNorm })
      progress.update(p.step, { loss: p.loss })
    },
    // a snapshot every few steps (a divisor of --checkpoint-every) lets a Ctrl-C in; only every
    // --checkpoint-every steps, and at the end, is it written
    checkpointEvery: logInterval(flags.checkpointEvery, 10),
    onCheckpoint: async (c) => {
      reached = c.step
      if (c.step % flags.checkpointEvery === 0 || c.step === flags.steps) {
        writeFileAtomic(
          checkpointPath,
          encodeDenoiserCheckpoint(c, { metadata: { settings, history: JSON.stringify(rows) } }),
        )
        saved = c.step
      }
      if (c.step < flags.steps) await yieldToSignals()
    },
  })
    .catch((error: unknown) => {
      // a loss that turns non-finite: say where, and name the option that fixes it
      const blown =
        error instanceof Error && /got loss (\S+) and gradient norm (\S+) at step (\d+)/.exec(error.message)
      if (blown)
        throw new CliError(
          `training diverged: loss ${blown[1]}, gradient norm ${blown[2]} at step ${blown[3]}; lower --lr (got ${flags.lr})`,
        )
      throw error
    })
    .finally(stopInterrupt)
  progress.finish()
  const trainSeconds = (performance.now() - started) / 1000
  run.files.push(checkpointPath)
  const params = result.ema ?? result.params
  const modelMetadata = {
    method: flags.method,
    data,
    ...(recipe.numTimesteps === undefined ? {} : { timesteps: String(recipe.numTimesteps) }),
    ...(recipe.sigmas === undefined ? {} : { sigmas: JSON.stringify(recipe.sigmas) }),
    steps: String(flags.steps),
    weights: result.ema === undefined ? 'raw' : 'ema',
    settings,
  }
  run.write('weights.safetensors', encodeDenoiser(config, params, { metadata: modelMetadata }))
  // the JSON sidecar: what the weights are and how they were made (also in their metadata)
  run.write(
    'weights.json',
    `${JSON.stringify(
      {
        kind: 'gen-diffusion-toy',
        config,
        method: flags.method,
        data,
        ...(flags.conditional
          ? { classes: 'the 8 modes, counterclockwise from (2, 0); label 8 is none' }
          : {}),
        ...(recipe.numTimesteps === undefined
          ? {}
          : { schedule: { kind: 'cosine', numTimesteps: recipe.numTimesteps } }),
        ...(recipe.sigmas === undefined ? {} : { sigmas: recipe.sigmas }),
        steps: flags.steps,
        weights: modelMetadata.weights,
        settings: JSON.parse(settings) as unknown,
      },
      null,
      2,
    )}\n`,
  )
  const drawn = drawAndScore(
    run,
    { recipe, config, params, data },
    {
      sampler,
      steps: sampleSteps,
      count: flags.evalCount,
      seed: flags.seed,
      stepSize: flags.stepSize,
      quiet,
    },
  )
  const last = rows.at(-1)
  finishCommand(
    run,
    `${flags.method} on ${data} after ${counted(flags.steps, 'step')} (loss ${last?.loss.toFixed(4)}); ${drawn.summary}`,
    {
      data,
      method: flags.method,
      config,
      steps: flags.steps,
      finalLoss: last?.loss ?? null,
      trainSeconds,
      ...drawn.numbers,
      history: rows,
    },
    rows.map((row) => ({ ...row })),
  )
}

// ---------------------------------------------------------------------------------- sample

type SampleFlags = CommonOptions & {
  weights: string
  sampler?: ToySampler
  steps?: number
  count: number
  stepSize: number
  class?: number
  guidance?: number
}

/** Reads the model a `gen diffusion train` run wrote (its folder or its weights.safetensors). */
function readToyModel(weights: string) {
  let path = resolveUserPath(weights)
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'weights.safetensors')
  const file = readModelFile(
    path,
    '--weights',
    'a gen diffusion model (weights.safetensors of gen diffusion train)',
    (bytes) => decodeDenoiser(bytes),
  )
  const { metadata, config } = file
  const method = metadata.method as ToyMethod
  const data = metadata.data as ToySetName
  if (config.kind !== 'mlp' || !TOY_METHODS.includes(method) || !(data in TOY_SETS))
    throw new CliError(
      `--weights: ${path} is not a 2-D model of gen diffusion train (method '${metadata.method ?? ''}', data '${metadata.data ?? ''}')`,
    )
  const recipe: ToyRecipe =
    method === 'ddpm'
      ? { method, numTimesteps: Number(metadata.timesteps) }
      : method === 'score'
        ? { method, sigmas: JSON.parse(metadata.sigmas ?? 'null') as number[] }
        : { method }
  return { path, recipe, config, params: file.params, data }
}

/** `gen diffusion sample`: samples of a trained 2-D model with any sampler of its family, scored. */
function sample(flags: SampleFlags, command: Command): void {
  atLeastTwo('--count', flags.count)
  atMost('--count', flags.count, MAX_SAMPLES, 'samples (the energy distance is O(N²))')
  const model = readToyModel(flags.weights)
  const sampler = flags.sampler ?? DEFAULT_SAMPLER[model.recipe.method]
  refuseStepSize(command, sampler)
  const steps = flags.steps ?? defaultSamplerSteps(sampler, model.recipe.numTimesteps ?? 100)
  checkSampler(model.recipe, sampler, steps, flags.steps === undefined ? '--sampler' : '--steps')
  if (flags.class !== undefined && model.config.numClasses === undefined)
    throw new CliError(
      `--class: ${model.path} holds an unconditional model (train one with --conditional), got --class ${flags.class}`,
    )
  if (flags.guidance !== undefined && flags.class === undefined)
    throw new CliError(
      `--guidance: needs --class, the mode to guide towards, got --guidance ${flags.guidance}`,
    )
  const run = startCommand('diffusion sample', flags, ['cpu'])
  const drawn = drawAndScore(run, model, {
    sampler,
    steps,
    count: flags.count,
    seed: flags.seed,
    stepSize: flags.stepSize,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
    label: flags.class,
    guidance: flags.guidance,
  })
  const { modeCounts: _, ...row } = drawn.numbers
  finishCommand(
    run,
    drawn.summary,
    { weights: model.path, data: model.data, method: model.recipe.method, ...drawn.numbers },
    [row],
  )
}

// ---------------------------------------------------------------------------------- wiring

const dataOption = () =>
  new Option('--data <name>', 'the 2-D toy set (mnist: not yet, see below)')
    .choices([...Object.keys(TOY_SETS), 'mnist'])
    .default('eight-gaussians')

const samplerHelp =
  'ddpm models: ddpm, ddim, euler, heun (probability-flow ODE), dpm-solver; flow: euler, heun; score: langevin (annealed)'

const modeIndex = (value: string): number => {
  if (!/^[0-7]$/.test(value.trim()))
    throw new InvalidArgumentError(`--class must be one of 0-7, got ${value}`)
  return Number(value)
}

/** Adds `gen diffusion train|sample` to the program. */
export function addDiffusionCommands(program: Command): void {
  const diffusion = program
    .command('diffusion')
    .description('diffusion models, flow matching and score-based Langevin sampling on 2-D toy data')

  withCommonOptions(
    diffusion
      .command('train')
      .description('train an MLP denoiser on a 2-D toy set, with checkpoints and --resume')
      .addHelpText(
        'after',
        `\nMNIST is not available yet: a UNet step on 28×28 digits takes seconds on a 2-core CPU, so\n--data mnist is refused until the gpu backend or shipped UNet weights land.\n`,
      ),
    'out/diffusion-train',
  )
    .addOption(dataOption())
    .addOption(
      new Option(
        '--method <name>',
        'ddpm (ε-prediction, cosine schedule), flow (flow matching), score (NCSN denoising score matching)',
      )
        .choices(TOY_METHODS)
        .default('flow'),
    )
    .option('--count <n>', 'training points drawn from the set', positiveInt('--count'), 20000)
    .option('--steps <n>', 'Adam updates (2000: about 20 s on 2 cores)', positiveInt('--steps'), 2000)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 256)
    .option('--lr <rate>', 'Adam learning rate', learningRate('--lr'), 3e-3)
    .option('--width <n>', 'hidden units per layer', positiveInt('--width'), 64)
    .option('--depth <n>', 'hidden layers', positiveInt('--depth'), 3)
    .option(
      '--timesteps <n>',
      'T of the DDPM cosine schedule (--method ddpm)',
      positiveInt('--timesteps'),
      100,
    )
    .option('--ema <decay>', 'EMA decay of the weights in [0, 1) (0: none)', unitInterval('--ema'), 0.995)
    .option(
      '--checkpoint-every <steps>',
      'checkpoint every this many steps',
      positiveInt('--checkpoint-every'),
      200,
    )
    .addOption(
      new Option('--sampler <name>', `sampler of the final samples: ${samplerHelp}`).choices(TOY_SAMPLERS),
    )
    .option(
      '--sample-steps <n>',
      'steps of that sampler (langevin: per noise level)',
      positiveInt('--sample-steps'),
    )
    .option('--eval-count <n>', 'samples drawn and scored at the end', positiveInt('--eval-count'), 1000)
    .option(
      '--step-size <eps>',
      'annealed Langevin ε (α_i = ε σ_i²/σ_L²)',
      positiveNumber('--step-size'),
      2e-5,
    )
    .option(
      '--conditional',
      'eight-gaussians only: condition on the mode (0-7), 10% of labels dropped for classifier-free guidance',
    )
    .option('--resume', 'continue from checkpoint.safetensors in --out')
    .action(train)

  withCommonOptions(
    diffusion
      .command('sample')
      .description('samples of a trained 2-D model, scored by energy distance (and mode coverage)'),
    'out/diffusion-sample',
  )
    .requiredOption('--weights <path>', 'a gen diffusion train folder, or its weights.safetensors')
    .addOption(
      new Option('--sampler <name>', `default per method (ddim, heun, langevin): ${samplerHelp}`).choices(
        TOY_SAMPLERS,
      ),
    )
    .option('--steps <n>', 'sampler steps (langevin: per noise level)', positiveInt('--steps'))
    .option('--count <n>', 'samples', positiveInt('--count'), 1000)
    .option(
      '--step-size <eps>',
      'annealed Langevin ε (α_i = ε σ_i²/σ_L²)',
      positiveNumber('--step-size'),
      2e-5,
    )
    .option('--class <k>', 'a conditional model draws mode k (0-7) only', modeIndex)
    .option(
      '--guidance <w>',
      'classifier-free guidance scale with --class: ε_u + w (ε_c − ε_u); 1 is the conditional model',
      nonNegativeNumber('--guidance'),
    )
    .action(sample)
}
