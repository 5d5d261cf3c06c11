/**
 * The training loop of every objective: Adam (Kingma & Ba 2015) on the weighted squared error
 * of {@link makeTrainingBatch}'s batches, with optional gradient clipping, an EMA of the
 * weights, label dropout for classifier-free guidance, progress reports and checkpoints that
 * resume exactly (the batch of step s comes from `fold(key, s)`).
 */
import {
  dispose,
  fold,
  indexSelect,
  InvalidArgumentError,
  type Key,
  randint,
  ShapeError,
  type Tensor,
  type TensorTree,
  tidy,
  valueAndGrad,
} from '@gen/core-tensor'
import { adam, type AdamOptions, type AdamState, emaInit, emaUpdate } from '@gen/core-tensor/optim'
import { checkFiniteStep, clippedOptimizerStep } from './optimizer-step'
import { checkInteger, checkNumber, checkObject, checkTensor } from '../nets/check'
import {
  applyDenoiser,
  type DenoiserConfig,
  type DenoiserParams,
  validateDenoiserConfig,
} from '../nets/denoiser'
import { validateMlpDenoiserConfig } from '../nets/mlp-denoiser'
import { checkDenoiserParams } from '../nets/param-shapes'
import { validateUNetConfig } from '../nets/unet'
import { type DenoiserCheckpoint, saveDenoiserCheckpoint } from './checkpoint'
import { makeTrainingBatch, type TrainingObjective, validateObjective, weightedMse } from './objectives'

/** One progress report, averaged over the steps since the previous one. */
export interface TrainProgress {
  /** Updates made so far. */
  readonly step: number
  /** Mean training loss over the interval. */
  readonly loss: number
  /** Mean global L2 norm of the gradient (before clipping). */
  readonly gradNorm: number
  /** Training examples per second over the interval (noisy on a shared machine). */
  readonly examplesPerSecond: number
  /** Seconds since the loop started. */
  readonly elapsedSeconds: number
}

/** Options of {@link trainDenoiser}. */
export interface TrainDenoiserOptions {
  readonly config: DenoiserConfig
  /** Initial parameters (from `initDenoiser`), unless resuming. */
  readonly params?: DenoiserParams
  /** Continue from a checkpoint (its step, params, Adam state and EMA). */
  readonly resume?: DenoiserCheckpoint
  readonly objective: TrainingObjective
  /** Training data `[N, dataDim]` (MLP) or `[N, inChannels, S, S]` (UNet). */
  readonly data: Tensor
  /** int32 `[N]` class labels, for a conditional model. */
  readonly labels?: Tensor
  /** Probability of replacing a label by the null label (classifier-free guidance). Default 0.1 with labels. */
  readonly labelDropout?: number
  /** Total updates (a resumed run continues up to this count). */
  readonly steps: number
  readonly batchSize: number
  /** Adam's options. Default learning rate 1e-3, β₁ 0.9, β₂ 0.999. */
  readonly optimizer?: AdamOptions
  /** Rescale gradients to this global norm when larger (DDPM uses 1). Default: no clipping. */
  readonly gradientClipNorm?: number
  /** EMA decay of the weights in [0, 1); 0 (default) keeps none. */
  readonly emaDecay?: number
  /** Key of the run: the batch, times and noise of step s come from fold(key, s). */
  readonly key: Key
  /** Report progress every this many steps (default 100) and at the end. */
  readonly logEvery?: number
  readonly onProgress?: (progress: TrainProgress) => void
  /** Checkpoint every this many steps (default: only at the end). */
  readonly checkpointEvery?: number
  /** Where to write each checkpoint, atomically, as safetensors (Node only). */
  readonly checkpointPath?: string
  readonly onCheckpoint?: (checkpoint: DenoiserCheckpoint) => void | Promise<void>
}

/** What {@link trainDenoiser} returns. */
export interface TrainDenoiserResult {
  readonly params: DenoiserParams
  /** EMA of the weights, when emaDecay > 0. */
  readonly ema?: DenoiserParams
  readonly history: readonly TrainProgress[]
  /** The final, resumable checkpoint. */
  readonly checkpoint: DenoiserCheckpoint
}

const asTree = (p: unknown): TensorTree => p as TensorTree

function dataShape(config: DenoiserConfig): number[] {
  if (config.kind === 'mlp') return [validateMlpDenoiserConfig(config).dataDim]
  const c = validateUNetConfig(config)
  return [c.inChannels, c.imageSize, c.imageSize]
}

/**
 * Trains a denoiser (MLP or UNet) on an objective: each step draws a batch of the data
 * (indices uniform with replacement), builds the objective's input, time, target and weights
 * ({@link makeTrainingBatch}: DDPM ε/x₀/v with SNR weights, flow matching, NCSN score
 * matching), takes the gradient of {@link weightedMse} and makes one Adam update, then
 * updates the EMA `θ̄ ← d θ̄ + (1 − d) θ`.
 *
 * @param options - config, params or resume, objective, data (+ labels), steps, batchSize,
 *   optimizer, gradientClipNorm, emaDecay, key, progress and checkpoint settings
 * @returns the trained params, the EMA, the progress history and the final checkpoint
 * @throws InvalidArgumentError for bad options, labels missing for a conditional model, a
 *   resume of another config, or a loss that turns non-finite (lower the learning rate)
 * @throws ShapeError when the data or a parameter of params does not fit the config
 * @example
 * ```ts
 * const config = { kind: 'mlp', dataDim: 2, hidden: [128, 128, 128] } as const
 * const result = await trainDenoiser({
 *   config,
 *   params: initDenoiser(config, { key: key(0) }),
 *   objective: { kind: 'diffusion', schedule: linearSchedule({ numTimesteps: 1000 }) },
 *   data, // [N, 2]
 *   steps: 2000,
 *   batchSize: 256,
 *   key: key(1),
 * })
 * ```
 */
export async function trainDenoiser(options: TrainDenoiserOptions): Promise<TrainDenoiserResult> {
  const op = 'trainDenoiser'
  checkObject(op, 'options', options)
  const { config, data, labels, resume } = options
  validateDenoiserConfig(config)
  const objective = validateObjective(options.objective)
  checkTensor(op, 'data', data)
  const n = data.shape[0]
  const expected = dataShape(config)
  if (data.rank !== expected.length + 1 || expected.some((d, i) => data.shape[i + 1] !== d) || n < 1) {
    throw new ShapeError(
      op,
      `data must be [N, ${expected.join(', ')}] with N >= 1, got [${data.shape.join(', ')}]`,
      [data.shape],
    )
  }
  const numClasses = config.numClasses
  if (labels !== undefined || numClasses !== undefined) {
    if (numClasses === undefined) {
      throw new InvalidArgumentError(
        op,
        'labels',
        'must be absent for an unconditional config (no numClasses), got a tensor',
      )
    }
    checkTensor(op, 'labels', labels, 'int32')
    if (labels.rank !== 1 || labels.shape[0] !== n) {
      throw new InvalidArgumentError(op, 'labels', `must be int32 [${n}], got [${labels.shape.join(', ')}]`)
    }
  }
  const labelDropout = options.labelDropout ?? (labels === undefined ? 0 : 0.1)
  checkNumber(op, 'labelDropout', labelDropout, { lo: 0, hi: 1 })
  checkInteger(op, 'steps', options.steps, 0)
  checkInteger(op, 'batchSize', options.batchSize)
  const clip = options.gradientClipNorm
  if (clip !== undefined) checkNumber(op, 'gradientClipNorm', clip, { lo: 0, openLow: true })
  const emaDecay = options.emaDecay ?? 0
  checkNumber(op, 'emaDecay', emaDecay, { lo: 0, hi: 1, openHigh: true })
  const logEvery = options.logEvery ?? 100
  checkInteger(op, 'logEvery', logEvery)
  const checkpointEvery = options.checkpointEvery ?? 0
  checkInteger(op, 'checkpointEvery', checkpointEvery, 0)

  let params: DenoiserParams
  let step: number
  if (resume !== undefined) {
    checkObject(op, 'resume', resume)
    if (JSON.stringify(resume.config) !== JSON.stringify(config)) {
      throw new InvalidArgumentError(
        op,
        'resume',
        `must be a checkpoint of the same config, got ${JSON.stringify(resume.config)}`,
      )
    }
    params = resume.params
    step = resume.step
  } else {
    if (options.params === undefined) {
      throw new InvalidArgumentError(
        op,
        'params',
        'must be given (from initDenoiser) unless resuming, got undefined',
      )
    }
    params = options.params
    step = 0
  }
  checkDenoiserParams(op, config, params)
  const optimizer = adam(options.optimizer ?? { learningRate: 1e-3 })
  let optState: AdamState = resume?.optimizer ?? optimizer.init(asTree(params))
  let ema: DenoiserParams | undefined =
    emaDecay > 0 ? (resume?.ema ?? (emaInit(asTree(params)).average as unknown as DenoiserParams)) : undefined

  // trees this loop made; the caller's (initial params, resume) are never disposed
  const owned = new Set<unknown>()
  if (resume === undefined) owned.add(optState)
  if (ema !== undefined && resume?.ema === undefined) owned.add(ema)
  const replace = <T>(old: T, next: T): T => {
    if (owned.has(old)) dispose(old)
    owned.delete(old)
    owned.add(next)
    return next
  }

  const lossOf = (p: TensorTree, batch: ReturnType<typeof makeTrainingBatch>): Tensor =>
    weightedMse(
      applyDenoiser(config, p as unknown as DenoiserParams, batch.input, {
        t: batch.t,
        labels: batch.labels,
      }),
      batch.target,
      batch.weights,
    )
  const lossAndGrad = valueAndGrad(lossOf)
  const batchSize = options.batchSize

  const snapshot = (): DenoiserCheckpoint => ({
    config,
    params,
    ...(ema === undefined ? {} : { ema }),
    optimizer: optState,
    step,
  })
  const checkpoint = async (c: DenoiserCheckpoint): Promise<void> => {
    if (options.checkpointPath !== undefined) await saveDenoiserCheckpoint(options.checkpointPath, c)
    if (options.onCheckpoint) await options.onCheckpoint(c)
  }

  const history: TrainProgress[] = []
  const start = performance.now()
  let last = start
  let acc = { loss: 0, norm: 0, count: 0 }
  const report = (): void => {
    if (acc.count === 0) return
    const now = performance.now()
    const progress: TrainProgress = {
      step,
      loss: acc.loss / acc.count,
      gradNorm: acc.norm / acc.count,
      examplesPerSecond: (acc.count * batchSize) / Math.max((now - last) / 1000, 1e-9),
      elapsedSeconds: (now - start) / 1000,
    }
    history.push(progress)
    options.onProgress?.(progress)
    last = now
    acc = { loss: 0, norm: 0, count: 0 }
  }

  while (step < options.steps) {
    const stepKey = fold(options.key, step)
    const result = tidy(() => {
      const index = randint(fold(stepKey, 0), [batchSize], { high: n, backend: data.backend })
      const batch = makeTrainingBatch(objective, indexSelect(data, 0, index), {
        key: fold(stepKey, 1),
        ...(labels === undefined ? {} : { labels: indexSelect(labels, 0, index), numClasses, labelDropout }),
      })
      return clippedOptimizerStep(op, lossAndGrad, {
        params: asTree(params),
        batch,
        optimizer,
        state: optState,
        clip,
      })
    })
    params = replace(params, result.params as unknown as DenoiserParams)
    optState = replace(optState, result.optimizer)
    if (ema !== undefined) {
      const next = emaUpdate({ count: step, average: asTree(ema) }, asTree(params), emaDecay).average
      ema = replace(ema, next as unknown as DenoiserParams)
    }
    step += 1
    checkFiniteStep(op, result, step)
    acc.loss += result.loss
    acc.norm += result.norm
    acc.count += 1
    if (step % logEvery === 0) report()
    if (checkpointEvery > 0 && step % checkpointEvery === 0 && step < options.steps)
      await checkpoint(snapshot())
  }
  report()
  const final = snapshot()
  await checkpoint(final)
  return { params, ...(ema === undefined ? {} : { ema }), history, checkpoint: final }
}
