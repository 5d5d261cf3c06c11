/**
 * Training and evaluation of sequential classifiers: minibatch Adam on the cross-entropy of
 * the logits, keyed shuffling and augmentation, a learning-rate schedule, progress numbers,
 * checkpoints and exact resume.
 */
import {
  argmax,
  checkKey,
  checkOptions,
  dispose,
  equal,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  keep,
  noGrad,
  split,
  sum,
  type Tensor,
  tidy,
  valueAndGrad,
} from '@gen/core-tensor'
import { crossEntropyWithLogits } from '@gen/core-tensor/nn'
import { type AdamState, adam, applyUpdates, type LearningRate } from '@gen/core-tensor/optim'
import { elasticDistortion, randomRotation } from './augment'
import { checkDataset, epochBatches, type ImageDataset, randomShift } from './data'
import {
  forwardSequential,
  type SequentialConfig,
  type SequentialParams,
  type SequentialState,
  validateSequentialConfig,
} from './sequential'

/**
 * Everything needed to continue a run exactly: the network, its parameters and batchNorm
 * state, Adam's moments and the number of completed steps (the epoch and the position in it
 * follow from the step and the batch count).
 */
export interface Checkpoint {
  /** The network. */
  readonly config: SequentialConfig
  /** Its parameters. */
  readonly params: SequentialParams
  /** BatchNorm running statistics (empty without batchNorm). */
  readonly state: SequentialState
  /** Adam's state after `step` updates (absent in weights-only files). */
  readonly optimizer?: AdamState
  /** Completed optimisation steps. */
  readonly step: number
  /** Completed epochs (`⌊step / stepsPerEpoch⌋`). */
  readonly epoch: number
}

/** The numbers a training run reports. */
export interface TrainProgress {
  /** `'train'`: every `logEvery` steps; `'epoch'`: after each epoch with the evaluation. */
  readonly phase: 'train' | 'epoch'
  /** The epoch in progress (0-based), or the one just finished for `'epoch'`. */
  readonly epoch: number
  /** Completed steps in the whole run. */
  readonly step: number
  /** Steps per epoch. */
  readonly stepsPerEpoch: number
  /** Mean training loss over the steps since the last report (over the epoch for `'epoch'`). */
  readonly loss: number
  /** Training accuracy (training mode, augmented) since the last report (over the epoch for `'epoch'`). */
  readonly accuracy: number
  /** Training images per second since the last report (over the epoch's steps for `'epoch'`). */
  readonly imagesPerSecond: number
  /** The learning rate of the last step. */
  readonly learningRate: number
  /** Accuracy on the evaluation set (`'epoch'` reports with an evaluation set only). */
  readonly evalAccuracy?: number
  /** Mean cross-entropy on the evaluation set (`'epoch'` with an evaluation set). */
  readonly evalLoss?: number
  /** Seconds since the run (or resume) started. */
  readonly elapsedSeconds: number
}

/** Options of {@link trainClassifier}. */
export interface TrainOptions {
  /** The network (its last layer's output is the logits). */
  readonly config: SequentialConfig
  /** Starting parameters (from {@link initSequential}); ignored when resuming. */
  readonly params?: SequentialParams
  /** Training set. */
  readonly data: ImageDataset
  /** Evaluated after every epoch when given. */
  readonly evalData?: ImageDataset
  /** Epochs to run in total (a resumed run continues up to this many). */
  readonly epochs: number
  /** Images per step. Default 64. */
  readonly batchSize?: number
  /** Adam's step size: a number or a schedule of the step (`cosineSchedule`...). Default 1e-3. */
  readonly learningRate?: LearningRate
  /** The run's key: shuffles, augmentation and dropout are folded from it per epoch and step. */
  readonly key: Key
  /** Random shifts of up to this many pixels per axis (0: none). Default 0. */
  readonly maxShift?: number
  /** Value shifted in at the borders by the augmentation (shifts, rotations, elastic). Default 0. */
  readonly shiftFill?: number
  /** Random rotations of up to this many degrees either way ({@link randomRotation}). Default 0. */
  readonly maxRotation?: number
  /** Elastic distortions ({@link elasticDistortion}, Simard et al. 2003). Default none. */
  readonly elastic?: { readonly alpha: number; readonly sigma: number }
  /**
   * Early stopping on `evalData` (hold out a validation split with `validationSplit`): stop
   * when the monitored number has not improved by more than `minDelta` for `patience`
   * epochs, and (by default) return the best epoch's parameters.
   */
  readonly earlyStopping?: EarlyStopping
  /** Steps between `'train'` progress reports. Default 100. */
  readonly logEvery?: number
  /** Called with the numbers (awaited when it returns a promise). */
  readonly onProgress?: (progress: TrainProgress) => void | Promise<void>
  /** Steps between checkpoints (also written after every epoch). Default: epochs only. */
  readonly checkpointEvery?: number
  /**
   * Receives each checkpoint (e.g. `writeCheckpoint` from `@gen/cnn/node`); awaited. Its
   * tensors are the live training state: encode or copy them inside the callback, since the
   * next step frees them.
   */
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>
  /** Continue from this checkpoint (same config, data, batch size and key as the first run). */
  readonly resume?: Checkpoint
}

/** Early stopping of {@link trainClassifier}. */
export interface EarlyStopping {
  /** Epochs without improvement before stopping (integer >= 1). */
  readonly patience: number
  /** What to watch: `'evalLoss'` (lower is better, default) or `'evalAccuracy'` (higher). */
  readonly monitor?: 'evalLoss' | 'evalAccuracy'
  /** An improvement must exceed this. Default 0. */
  readonly minDelta?: number
  /** Return the best epoch's parameters and batchNorm state instead of the last. Default true. */
  readonly restoreBest?: boolean
}

/** What {@link trainClassifier} returns. */
export interface TrainResult {
  /** The trained parameters. */
  readonly params: SequentialParams
  /** BatchNorm running statistics. */
  readonly state: SequentialState
  /** The last checkpoint state (params, optimizer, step). */
  readonly checkpoint: Checkpoint
  /** Every `'epoch'` report, in order. */
  readonly history: readonly TrainProgress[]
  /** True when early stopping ended the run before `epochs`. */
  readonly stoppedEarly: boolean
  /** The epoch (0-based) with the best monitored number (early stopping only). */
  readonly bestEpoch?: number
}

/** Options of {@link evaluateClassifier}. */
export interface EvaluateOptions {
  /** Images per forward pass. Default 500. */
  readonly batchSize?: number
  /** BatchNorm running statistics, for nets with batchNorm. */
  readonly state?: SequentialState
}

/** What {@link evaluateClassifier} returns. */
export interface Evaluation {
  /** Fraction of images whose arg-max logit is the label. */
  readonly accuracy: number
  /** Mean cross-entropy. */
  readonly loss: number
  /** The predicted class of each image. */
  readonly predictions: Int32Array
}

/**
 * Accuracy and mean cross-entropy of a classifier on a labelled set, in evaluation mode (no
 * dropout, batchNorm on running statistics), batch by batch without gradients:
 * `accuracy = (1/N) Σ [argmax_c f(x_i)_c = y_i]`.
 *
 * @param config - the network
 * @param params - its parameters
 * @param data - images `[N, ...inputShape]`, int32 labels `[N]`
 * @param options - batchSize (default 500), state
 * @returns `{ accuracy, loss, predictions }`
 * @throws ShapeError when the data do not match the network
 * @example
 * ```ts
 * const { accuracy } = evaluateClassifier(config, params, test)
 * ```
 */
export function evaluateClassifier(
  config: SequentialConfig,
  params: SequentialParams,
  data: ImageDataset,
  options: EvaluateOptions = {},
): Evaluation {
  const op = 'evaluateClassifier'
  const n = checkDataset(op, 'data', data)
  const batchSize = options.batchSize ?? 500
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError(op, 'batchSize', `must be an integer >= 1, got ${String(batchSize)}`)
  }
  const predictions = new Int32Array(n)
  let correct = 0
  let lossSum = 0
  const { batches } = epochBatches(data, { batchSize: Math.min(batchSize, n), dropLast: false })
  let offset = 0
  for (const batch of batches) {
    const [loss, predicted, hits] = tidy(() =>
      noGrad(() => {
        const logits = forwardSequential(config, params, batch.images, { state: options.state }).output
        const p = argmax(logits, { axis: -1 })
        return [
          crossEntropyWithLogits(logits, batch.labels, { reduction: 'sum' }).item(),
          p.dataSync(),
          sum(equal(p, batch.labels)).item(),
        ] as const
      }),
    )
    predictions.set(predicted, offset)
    offset += predicted.length
    lossSum += loss
    correct += hits
  }
  dispose(batches)
  return { accuracy: correct / n, loss: lossSum / n, predictions }
}

function checkCount(op: string, argument: string, value: unknown, min: number): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${String(value)}`)
  }
}

/** A copy of every tensor of a params or state tree (the training loop frees the originals). */
function copyTree<T extends SequentialParams | SequentialState>(tree: T): T {
  return Object.fromEntries(
    Object.entries(tree).map(([name, leaves]) => [
      name,
      Object.fromEntries(
        Object.entries(leaves as Record<string, Tensor | undefined>).flatMap(([k, t]) =>
          t === undefined ? [] : [[k, fromArray(t.dataSync(), { shape: t.shape, backend: t.backend })]],
        ),
      ),
    ]),
  ) as T
}

/**
 * The augmentation of one training batch, in the order shift, rotation, elastic distortion.
 * The shift draws from `stepKey` itself (as before rotations existed, so old runs replay),
 * the rotation from `fold(stepKey, 1)`, the distortion from `fold(stepKey, 2)`.
 */
function augmentBatch(
  images: Tensor,
  stepKey: Key,
  options: {
    readonly maxShift: number
    readonly maxRotation: number
    readonly elastic?: { readonly alpha: number; readonly sigma: number }
    readonly fill: number
  },
): Tensor {
  let x = images
  const step = (next: Tensor): void => {
    if (x !== images) x.dispose()
    x = next
  }
  const { fill } = options
  if (options.maxShift > 0) step(randomShift(x, { maxShift: options.maxShift, key: stepKey, fill }))
  if (options.maxRotation > 0) {
    step(randomRotation(x, { maxDegrees: options.maxRotation, key: fold(stepKey, 1), fill }))
  }
  if (options.elastic !== undefined) {
    step(elasticDistortion(x, { ...options.elastic, key: fold(stepKey, 2), fill }))
  }
  return x
}

/**
 * Trains a sequential classifier by minibatch Adam (Kingma & Ba 2015) on the mean
 * cross-entropy `ℓ = −(1/B) Σ_i log softmax(f(x_i))_{y_i}` (LeCun et al. 1998 trained
 * LeNet-5 by gradient descent on a comparable criterion).
 *
 * Randomness is keyed: epoch e shuffles with `fold(k_shuffle, e)`, step s augments with
 * `fold(k_shift, s)` and drops out with `fold(k_dropout, s)`, where `[k_shuffle, k_shift,
 * k_dropout] = split(key, 3)`. A run resumed from a checkpoint of step s therefore continues
 * exactly as the uninterrupted run would have.
 *
 * Augmentation (each optional): random shifts (`maxShift`), rotations (`maxRotation`) and
 * elastic distortions (`elastic`). The learning rate may be any schedule of the step
 * (`stepSchedule`, `cosineSchedule`, `warmupCosineSchedule` from `@gen/core-tensor/optim`).
 * Early stopping watches `evalData` after each epoch (Prechelt 1998, "Early stopping — but
 * when?"); give it a validation split, not the test set.
 *
 * @param options - config, params, data, evalData, epochs, batchSize (64), learningRate
 *   (1e-3 or a schedule), key, maxShift (0), maxRotation (0), elastic, earlyStopping,
 *   logEvery (100), onProgress, checkpointEvery, onCheckpoint, resume
 * @returns the trained params and state, the last checkpoint and the per-epoch reports
 * @throws InvalidArgumentError for epochs below 1, a bad batch size, or a resume checkpoint
 *   of another network
 * @throws ShapeError when the data do not match the network
 * @example
 * ```ts
 * const config = lenet5Config({ variant: 'modern' })
 * const { params, history } = await trainClassifier({
 *   config,
 *   params: initSequential(config, { key: key(0) }),
 *   data: train,
 *   evalData: test,
 *   epochs: 1,
 *   key: key(1),
 * })
 * ```
 */
export async function trainClassifier(options: TrainOptions): Promise<TrainResult> {
  const op = 'trainClassifier'
  checkOptions(op, options)
  const { config, data, evalData, epochs, key, onProgress, onCheckpoint, resume } = options
  checkKey(op, key)
  validateSequentialConfig(config)
  const n = checkDataset(op, 'data', data)
  if (evalData !== undefined) checkDataset(op, 'evalData', evalData)
  checkCount(op, 'epochs', epochs, 1)
  const batchSize = options.batchSize ?? 64
  const logEvery = options.logEvery ?? 100
  const maxShift = options.maxShift ?? 0
  const learningRate = options.learningRate ?? 1e-3
  checkCount(op, 'batchSize', batchSize, 1)
  checkCount(op, 'logEvery', logEvery, 1)
  checkCount(op, 'maxShift', maxShift, 0)
  if (batchSize > n) {
    throw new InvalidArgumentError(
      op,
      'batchSize',
      `must be at most the ${n} training images, got ${batchSize}`,
    )
  }
  if (options.checkpointEvery !== undefined) checkCount(op, 'checkpointEvery', options.checkpointEvery, 1)
  const maxRotation = options.maxRotation ?? 0
  if (!(Number.isFinite(maxRotation) && maxRotation >= 0)) {
    throw new InvalidArgumentError(
      op,
      'maxRotation',
      `must be a finite number >= 0, got ${String(maxRotation)}`,
    )
  }
  const { elastic, earlyStopping } = options
  if (elastic !== undefined && !(elastic.alpha >= 0 && elastic.sigma > 0)) {
    throw new InvalidArgumentError(
      op,
      'elastic',
      `must have alpha >= 0 and sigma > 0, got ${JSON.stringify(elastic)}`,
    )
  }
  if (earlyStopping !== undefined) {
    if (evalData === undefined) {
      throw new InvalidArgumentError(
        op,
        'evalData',
        'must be given (a validation split) for early stopping, got undefined',
      )
    }
    checkCount(op, 'earlyStopping.patience', earlyStopping.patience, 1)
    const monitor = earlyStopping.monitor ?? 'evalLoss'
    if (monitor !== 'evalLoss' && monitor !== 'evalAccuracy') {
      throw new InvalidArgumentError(
        op,
        'earlyStopping.monitor',
        `must be 'evalLoss' or 'evalAccuracy', got ${JSON.stringify(monitor)}`,
      )
    }
    const minDelta = earlyStopping.minDelta ?? 0
    if (!(Number.isFinite(minDelta) && minDelta >= 0)) {
      throw new InvalidArgumentError(
        op,
        'earlyStopping.minDelta',
        `must be a finite number >= 0, got ${String(minDelta)}`,
      )
    }
  }
  const stepsPerEpoch = Math.floor(n / batchSize)
  const optimizer = adam({ learningRate })
  const rateAt = (step: number): number =>
    typeof learningRate === 'number' ? learningRate : learningRate(step)

  let params: SequentialParams
  let state: SequentialState
  let optState: AdamState
  let step: number
  if (resume !== undefined) {
    if (JSON.stringify(resume.config) !== JSON.stringify(config)) {
      throw new InvalidArgumentError(
        op,
        'resume',
        'must be a checkpoint of the same config, got another network',
      )
    }
    if (resume.optimizer === undefined) {
      throw new InvalidArgumentError(
        op,
        'resume',
        'must hold the optimizer state, got a weights-only checkpoint',
      )
    }
    checkCount(op, 'resume.step', resume.step, 0)
    params = resume.params
    state = resume.state
    optState = resume.optimizer
    step = resume.step
  } else {
    if (options.params === undefined) {
      throw new InvalidArgumentError(
        op,
        'params',
        'must be given (from initSequential) unless resuming, got undefined',
      )
    }
    params = options.params
    state = {}
    optState = optimizer.init(params)
    step = 0
  }
  const owned = new Set<unknown>() // trees this function made and may dispose
  if (resume === undefined) owned.add(optState)
  const [shuffleKey, shiftKey, dropoutKey] = split(key, 3)
  const replace = <T>(old: T, next: T): T => {
    if (owned.has(old)) dispose(old)
    owned.delete(old)
    owned.add(next)
    return next
  }

  const lossOf = (
    p: SequentialParams,
    x: Tensor,
    y: Tensor,
    extra: { stepKey: Key; state: SequentialState; out: { state?: SequentialState; correct?: number } },
  ): Tensor => {
    const result = forwardSequential(config, p, x, { training: true, key: extra.stepKey, state: extra.state })
    const newState = result.state
    // the batchNorm state leaves the gradient's scope: keep its new tensors alive
    for (const [k, s] of Object.entries(newState)) {
      if (extra.state[k] !== s) {
        keep(s.runningMean)
        keep(s.runningVar)
      }
    }
    extra.out.state = newState
    extra.out.correct = noGrad(() => sum(equal(argmax(result.output, { axis: -1 }), y)).item())
    return crossEntropyWithLogits(result.output, y)
  }
  const lossAndGrad = valueAndGrad(lossOf)

  let best: { value: number; epoch: number; params: SequentialParams; state: SequentialState } | undefined
  let stoppedEarly = false
  const start = performance.now()
  let lastReport = start
  let sinceLoss = 0
  let sinceCorrect = 0
  let sinceSteps = 0
  const history: TrainProgress[] = []
  let lastRate = rateAt(step)
  const snapshot = (): Checkpoint => ({
    config,
    params,
    state,
    optimizer: optState,
    step,
    epoch: Math.floor(step / stepsPerEpoch),
  })
  const epochTotals = { loss: 0, correct: 0, steps: 0, start }
  const summary = (
    phase: 'train' | 'epoch',
    epoch: number,
    totals: { loss: number; correct: number; steps: number; since: number },
  ): TrainProgress => {
    const now = performance.now()
    return {
      phase,
      epoch,
      step,
      stepsPerEpoch,
      loss: totals.steps > 0 ? totals.loss / totals.steps : Number.NaN,
      accuracy: totals.steps > 0 ? totals.correct / (totals.steps * batchSize) : Number.NaN,
      imagesPerSecond: totals.steps > 0 ? (totals.steps * batchSize) / ((now - totals.since) / 1000) : 0,
      learningRate: lastRate,
      elapsedSeconds: (now - start) / 1000,
    }
  }
  const report = (): TrainProgress => {
    const progress = summary('train', Math.floor((step - 1) / stepsPerEpoch), {
      loss: sinceLoss,
      correct: sinceCorrect,
      steps: sinceSteps,
      since: lastReport,
    })
    lastReport = performance.now()
    sinceLoss = 0
    sinceCorrect = 0
    sinceSteps = 0
    return progress
  }

  for (let epoch = Math.floor(step / stepsPerEpoch); epoch < epochs; epoch++) {
    const { batches, shuffled } = epochBatches(data, { batchSize, key: fold(shuffleKey, epoch) })
    epochTotals.loss = 0
    epochTotals.correct = 0
    epochTotals.steps = 0
    epochTotals.start = performance.now()
    for (let b = step - epoch * stepsPerEpoch; b < stepsPerEpoch; b++) {
      const batch = batches[b]
      const x = augmentBatch(batch.images, fold(shiftKey, step), {
        maxShift,
        maxRotation,
        elastic,
        fill: options.shiftFill ?? 0,
      })
      const out: { state?: SequentialState; correct?: number } = {}
      const result = tidy(() => {
        const { value, grads } = lossAndGrad(params, x, batch.labels, {
          stepKey: fold(dropoutKey, step),
          state,
          out,
        })
        const { updates, state: nextOpt } = optimizer.update(grads, optState, params)
        return {
          loss: value.item(),
          params: applyUpdates(params, updates) as SequentialParams,
          optState: nextOpt,
        }
      })
      if (x !== batch.images) x.dispose()
      lastRate = rateAt(step)
      params = replace(params, result.params)
      if (owned.has(optState)) dispose([optState.mu, optState.nu])
      owned.delete(optState)
      optState = result.optState
      owned.add(optState)
      if (out.state !== undefined && out.state !== state) {
        const previous = state
        state = out.state
        // dispose the running statistics this loop made and no longer uses
        for (const [k, s] of Object.entries(previous)) {
          if (owned.has(s) && state[k] !== s) dispose(s)
        }
        for (const s of Object.values(state)) owned.add(s)
      }
      step += 1
      sinceLoss += result.loss
      sinceCorrect += out.correct ?? 0
      sinceSteps += 1
      epochTotals.loss += result.loss
      epochTotals.correct += out.correct ?? 0
      epochTotals.steps += 1
      if (step % logEvery === 0 && onProgress !== undefined) await onProgress(report())
      if (
        options.checkpointEvery !== undefined &&
        step % options.checkpointEvery === 0 &&
        b < stepsPerEpoch - 1 &&
        onCheckpoint !== undefined
      ) {
        await onCheckpoint(snapshot())
      }
    }
    dispose([batches, shuffled])
    const progress = summary('epoch', epoch, { ...epochTotals, since: epochTotals.start })
    const evaluation =
      evalData === undefined ? undefined : evaluateClassifier(config, params, evalData, { state })
    const epochReport: TrainProgress =
      evaluation === undefined
        ? progress
        : { ...progress, evalAccuracy: evaluation.accuracy, evalLoss: evaluation.loss }
    history.push(epochReport)
    if (onProgress !== undefined) await onProgress(epochReport)
    if (onCheckpoint !== undefined) await onCheckpoint(snapshot())
    lastReport = performance.now()
    sinceLoss = 0
    sinceCorrect = 0
    sinceSteps = 0
    if (earlyStopping !== undefined && evaluation !== undefined) {
      const higher = earlyStopping.monitor === 'evalAccuracy'
      const value = higher ? evaluation.accuracy : evaluation.loss
      const delta = earlyStopping.minDelta ?? 0
      if (best === undefined || (higher ? value > best.value + delta : value < best.value - delta)) {
        if (best !== undefined) dispose([best.params, best.state])
        best = { value, epoch, params: copyTree(params), state: copyTree(state) }
      } else if (epoch - best.epoch >= earlyStopping.patience) {
        stoppedEarly = epoch < epochs - 1
        break
      }
    }
  }
  if (best !== undefined && (earlyStopping?.restoreBest ?? true)) {
    return {
      params: best.params,
      state: best.state,
      checkpoint: snapshot(),
      history,
      stoppedEarly,
      bestEpoch: best.epoch,
    }
  }
  if (best !== undefined) dispose([best.params, best.state])
  return { params, state, checkpoint: snapshot(), history, stoppedEarly, bestEpoch: best?.epoch }
}
