/**
 * Training and evaluation of autoencoders and VAEs: minibatch Adam, keyed shuffling, dynamic
 * binarisation, input corruption, KL annealing, per-epoch progress in nats, checkpoints and
 * exact resume.
 */
import {
  dispose,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  noGrad,
  permutation,
  split,
  type Tensor,
  tidy,
  type TypedArray,
  valueAndGrad,
} from '@gen/core-tensor'
import { type AdamState, adam, applyUpdates, type LearningRate } from '@gen/core-tensor/optim'
import { type AutoencoderConfig, validateAutoencoderConfig } from './config'
import { binarizeValues, corrupt } from './corruption'
import { rowsFrom } from './iwae'
import type { AutoencoderParams } from './model'
import { aeTerms, elboTerms } from './vae-loss'

/** Everything needed to continue a run exactly. */
export interface AutoencoderCheckpoint {
  /** The model. */
  readonly config: AutoencoderConfig
  /** Its parameters. */
  readonly params: AutoencoderParams
  /** Adam's state (absent in weights-only files). */
  readonly optimizer?: AdamState
  /** Completed optimisation steps. */
  readonly step: number
  /** Completed epochs. */
  readonly epoch: number
}

/** Per-example means of an evaluation, in nats. */
export interface Evaluation {
  /** Mean ELBO (VAE) or mean log p(x | x̂) (AE). */
  readonly elbo: number
  /** Mean reconstruction log-likelihood. */
  readonly rec: number
  /** Mean KL term (0 for an AE). */
  readonly kl: number
  /** ELBO (VAE) or reconstruction log-likelihood (AE) of each example. */
  readonly perExample: Float64Array
}

/** Options of {@link evaluateAutoencoder}. */
export interface EvaluateOptions {
  /** Key of the reparameterisation noise (VAE) or the corruption (denoising AE). */
  readonly key: Key
  /** Examples per pass. Default 500. */
  readonly batchSize?: number
  /** int32 `[N]` labels for a conditional model. */
  readonly labels?: Tensor
  /** Corrupt the inputs with the config's corruption (denoising AEs). Default false. */
  readonly corrupt?: boolean
}

function checkCount(op: string, argument: string, value: unknown, min: number): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${String(value)}`)
  }
}

function checkData(op: string, argument: string, config: AutoencoderConfig, x: unknown): number {
  const [c, h, w] = config.inputShape
  const d = c * h * w
  const t = x as Tensor
  const isTensorLike = typeof t === 'object' && t !== null && Array.isArray(t.shape)
  if (!isTensorLike || t.rank < 2 || t.size / t.shape[0] !== d) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a [N, ${d}] tensor, got ${t?.shape === undefined ? String(x) : `[${t.shape.join(', ')}]`}`,
    )
  }
  return (x as Tensor).shape[0]
}

/**
 * Per-example ELBO, reconstruction and KL of a VAE (one reparameterised sample per example,
 * closed-form KL), or the reconstruction log-likelihood of an AE, averaged over a dataset,
 * without gradients. All values are nats per example.
 *
 * @param config - the model
 * @param params - its parameters
 * @param x - `[N, D]` inputs (binarised once with a fixed key for a Bernoulli VAE)
 * @param options - key, batchSize (500), labels, corrupt
 * @returns `{ elbo, rec, kl, perExample }`
 * @throws InvalidArgumentError when x does not fit the config
 * @example
 * ```ts
 * const { elbo } = evaluateAutoencoder(config, params, testX, { key: key(5) })
 * ```
 */
export function evaluateAutoencoder(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: EvaluateOptions,
): Evaluation {
  const op = 'evaluateAutoencoder'
  const n = checkData(op, 'x', config, x)
  const batchSize = options.batchSize ?? 500
  checkCount(op, 'batchSize', batchSize, 1)
  const data = x.dataSync()
  const labelData = options.labels?.dataSync()
  const perExample = new Float64Array(n)
  let rec = 0
  let kl = 0
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const size = Math.min(batchSize, n - start)
    tidy(() =>
      noGrad(() => {
        const xb = rowsFrom(data, x, start, size)
        const labels =
          labelData === undefined || options.labels === undefined
            ? undefined
            : rowsFrom(labelData, options.labels, start, size)
        const k = fold(options.key, b)
        if (config.kind === 'vae') {
          const t = elboTerms(config, params, xb, { key: k, labels })
          const e = t.elbo.dataSync()
          const r = t.rec.dataSync()
          const q = t.kl.dataSync()
          for (let i = 0; i < size; i++) {
            perExample[start + i] = e[i]
            rec += r[i]
            kl += q[i]
          }
        } else {
          const input =
            options.corrupt === true && config.corruption !== undefined
              ? corrupt(config.corruption, xb, k)
              : xb
          const r = aeTerms(config, params, xb, { input, labels }).rec.dataSync()
          for (let i = 0; i < size; i++) {
            perExample[start + i] = r[i]
            rec += r[i]
          }
        }
      }),
    )
  }
  const elbo = perExample.reduce((a, v) => a + v, 0) / n
  return { elbo, rec: rec / n, kl: kl / n, perExample }
}

/** The numbers reported after each epoch (and every `logEvery` steps, phase `'train'`). */
export interface TrainProgress {
  /** `'train'`: every `logEvery` steps; `'epoch'`: after each epoch, with the test numbers. */
  readonly phase: 'train' | 'epoch'
  /** The epoch (0-based). */
  readonly epoch: number
  /** Completed steps. */
  readonly step: number
  /** Mean training ELBO per example since the last report (VAE: rec − kl; AE: rec − penalty). */
  readonly trainElbo: number
  /** Mean training reconstruction log-likelihood since the last report. */
  readonly trainRec: number
  /** Mean training KL since the last report (0 for an AE). */
  readonly trainKl: number
  /** The KL weight of the last step (β times the annealing factor). */
  readonly beta: number
  /** Test ELBO (`'epoch'` reports with test data). */
  readonly testElbo?: number
  /** Test reconstruction log-likelihood. */
  readonly testRec?: number
  /** Test KL. */
  readonly testKl?: number
  /** Training examples per second since the last report. */
  readonly examplesPerSecond: number
  /** Seconds since the run (or resume) started. */
  readonly elapsedSeconds: number
}

/** Options of {@link trainAutoencoder}. */
export interface TrainOptions {
  /** The model. */
  readonly config: AutoencoderConfig
  /** Starting parameters (from `initAutoencoder`); ignored when resuming. */
  readonly params?: AutoencoderParams
  /** Training inputs `[N, D]`, values in [0, 1] when binarising. */
  readonly data: Tensor
  /** int32 `[N]` labels (conditional models). */
  readonly labels?: Tensor
  /** Evaluated after every epoch when given. */
  readonly testData?: Tensor
  /** int32 labels of the test data (conditional models). */
  readonly testLabels?: Tensor
  /** Epochs in total (a resumed run continues up to this many). */
  readonly epochs: number
  /** Examples per step. Default 100. */
  readonly batchSize?: number
  /** Adam's step size, a number or a schedule. Default 1e-3. */
  readonly learningRate?: LearningRate
  /** The run's key: shuffling, binarisation, noise and corruption are folded from it per epoch and step. */
  readonly key: Key
  /**
   * `'dynamic'`: a fresh Bernoulli draw of every training image each epoch (pixels as
   * probabilities); `'none'`: use the data as given. Default `'none'`.
   */
  readonly binarize?: 'dynamic' | 'none'
  /** KL annealing: the KL weight ramps linearly from 0 to β over this many steps (Bowman et al. 2016). Default 0. */
  readonly klWarmupSteps?: number
  /** Key of the test evaluation's noise (the same every epoch, so epochs compare). Default fold(key, 999). */
  readonly evalKey?: Key
  /** Steps between `'train'` reports. Default: epochs only. */
  readonly logEvery?: number
  /** Called with the numbers (awaited). */
  readonly onProgress?: (progress: TrainProgress) => void | Promise<void>
  /** Receives a checkpoint after each epoch (e.g. `writeCheckpoint` of `@gen/autoencoder/node`); awaited. Encode it inside the callback. */
  readonly onCheckpoint?: (checkpoint: AutoencoderCheckpoint) => void | Promise<void>
  /** Continue from this checkpoint (same config, data, batch size and key as the first run). */
  readonly resume?: AutoencoderCheckpoint
}

/** What {@link trainAutoencoder} returns. */
export interface TrainResult {
  /** The trained parameters. */
  readonly params: AutoencoderParams
  /** The last checkpoint (params, optimizer, step). */
  readonly checkpoint: AutoencoderCheckpoint
  /** Every `'epoch'` report. */
  readonly history: readonly TrainProgress[]
}

/**
 * Trains a model by minibatch Adam (Kingma & Ba 2015): a VAE on the negative ELBO
 * (Kingma & Welling 2014), an AE on the reconstruction loss of its (corrupted) input plus the
 * sparsity penalty. Every term is a per-example sum (nats), averaged over the batch.
 *
 * Randomness: `[kShuffle, kBinary, kNoise] = split(key, 3)`; epoch e shuffles with
 * `fold(kShuffle, e)` and binarises with `fold(kBinary, e)`; step s draws ε or the corruption
 * from `fold(kNoise, s)`. A resumed run therefore continues exactly as the uninterrupted one.
 *
 * @param options - config, params, data, labels, testData, epochs, batchSize (100),
 *   learningRate (1e-3), key, binarize, klWarmupSteps, onProgress, onCheckpoint, resume
 * @returns the trained parameters, the last checkpoint and the per-epoch reports
 * @throws InvalidArgumentError for bad counts, data that do not fit, or a resume checkpoint of
 *   another model
 * @example
 * ```ts
 * const { params, history } = await trainAutoencoder({
 *   config, params: initAutoencoder(config, { key: key(0) }),
 *   data: trainX, testData: testX, epochs: 10, key: key(1), binarize: 'dynamic',
 * })
 * ```
 */
export async function trainAutoencoder(options: TrainOptions): Promise<TrainResult> {
  const op = 'trainAutoencoder'
  const { config, data, labels, testData, epochs, key, onProgress, onCheckpoint, resume } = options
  validateAutoencoderConfig(config)
  const n = checkData(op, 'data', config, data)
  if (testData !== undefined) checkData(op, 'testData', config, testData)
  checkCount(op, 'epochs', epochs, 1)
  const batchSize = options.batchSize ?? 100
  checkCount(op, 'batchSize', batchSize, 1)
  if (batchSize > n)
    throw new InvalidArgumentError(
      op,
      'batchSize',
      `must be at most the ${n} training examples, got ${batchSize}`,
    )
  const warmup = options.klWarmupSteps ?? 0
  checkCount(op, 'klWarmupSteps', warmup, 0)
  if (options.logEvery !== undefined) checkCount(op, 'logEvery', options.logEvery, 1)
  const binarizeMode = options.binarize ?? 'none'
  if (binarizeMode !== 'dynamic' && binarizeMode !== 'none') {
    throw new InvalidArgumentError(op, 'binarize', `must be 'dynamic' or 'none', got ${String(binarizeMode)}`)
  }
  if (config.classes !== undefined && labels === undefined) {
    throw new InvalidArgumentError(op, 'labels', 'must be given for a conditional model, got undefined')
  }
  const optimizer = adam({ learningRate: options.learningRate ?? 1e-3 })
  let params: AutoencoderParams
  let optState: AdamState
  let step: number
  let ownsState = false
  if (resume !== undefined) {
    if (JSON.stringify(resume.config) !== JSON.stringify(config)) {
      throw new InvalidArgumentError(
        op,
        'resume',
        'must be a checkpoint of the same config, got another model',
      )
    }
    if (resume.optimizer === undefined) {
      throw new InvalidArgumentError(
        op,
        'resume',
        'must hold the optimizer state, got a weights-only checkpoint',
      )
    }
    params = resume.params
    optState = resume.optimizer
    step = resume.step
  } else {
    if (options.params === undefined) {
      throw new InvalidArgumentError(
        op,
        'params',
        'must be given (from initAutoencoder) unless resuming, got undefined',
      )
    }
    params = options.params
    optState = optimizer.init(params)
    ownsState = true
    step = 0
  }
  let ownsParams = false
  const stepsPerEpoch = Math.floor(n / batchSize)
  const d = data.size / n
  const values = data.dataSync()
  const labelValues = labels?.dataSync()
  const [shuffleKey, binaryKey, noiseKey] = split(key, 3)
  const evalKey = options.evalKey ?? fold(key, 999)
  const beta = config.beta ?? 1
  const betaAt = (s: number): number => (warmup > 0 ? beta * Math.min(1, (s + 1) / warmup) : beta)

  const lossOf = (
    p: AutoencoderParams,
    x: Tensor,
    y: Tensor | undefined,
    ctx: { s: number; out: { rec: number; kl: number; elbo: number } },
  ): Tensor => {
    const { s, out } = ctx
    const k = fold(noiseKey, s)
    if (config.kind === 'vae') {
      const t = elboTerms(config, p, x, { key: k, labels: y, beta: betaAt(s) })
      out.rec = noGrad(() => sumOf(t.rec.dataSync()))
      out.kl = noGrad(() => sumOf(t.kl.dataSync()))
      out.elbo = out.rec - out.kl
      return t.loss
    }
    const input = config.corruption === undefined ? x : corrupt(config.corruption, x, k)
    const t = aeTerms(config, p, x, { input, labels: y })
    out.rec = noGrad(() => sumOf(t.rec.dataSync()))
    out.kl = 0
    out.elbo = noGrad(() => out.rec - sumOf(t.penalty.dataSync()))
    return t.loss
  }
  const lossAndGrad = valueAndGrad(lossOf)
  const start = performance.now()
  const history: TrainProgress[] = []
  const snapshot = (): AutoencoderCheckpoint => ({
    config,
    params,
    optimizer: optState,
    step,
    epoch: Math.floor(step / stepsPerEpoch),
  })
  const totals = { rec: 0, kl: 0, elbo: 0, count: 0, since: start }
  const summary = (phase: 'train' | 'epoch', epoch: number): TrainProgress => {
    const now = performance.now()
    const c = Math.max(1, totals.count)
    return {
      phase,
      epoch,
      step,
      trainElbo: totals.elbo / c,
      trainRec: totals.rec / c,
      trainKl: totals.kl / c,
      beta: betaAt(step - 1),
      examplesPerSecond: totals.count / Math.max(1e-9, (now - totals.since) / 1000),
      elapsedSeconds: (now - start) / 1000,
    }
  }
  const resetTotals = (): void => {
    totals.rec = 0
    totals.kl = 0
    totals.elbo = 0
    totals.count = 0
    totals.since = performance.now()
  }

  for (let epoch = Math.floor(step / stepsPerEpoch); epoch < epochs; epoch++) {
    const order = permutation(fold(shuffleKey, epoch), n)
    const epochValues = binarizeMode === 'dynamic' ? binarizeValues(values, fold(binaryKey, epoch)) : values
    resetTotals()
    for (let b = step - epoch * stepsPerEpoch; b < stepsPerEpoch; b++) {
      const batch = new Float32Array(batchSize * d)
      const batchLabels = labelValues === undefined ? undefined : new Int32Array(batchSize)
      for (let i = 0; i < batchSize; i++) {
        const row = order[b * batchSize + i]
        batch.set(epochValues.subarray(row * d, (row + 1) * d), i * d)
        if (batchLabels !== undefined && labelValues !== undefined) batchLabels[i] = labelValues[row]
      }
      const out = { rec: 0, kl: 0, elbo: 0 }
      const result = tidy(() => {
        const x = fromArray(batch, { shape: [batchSize, d], backend: data.backend })
        const y =
          batchLabels === undefined
            ? undefined
            : fromArray(batchLabels, { shape: [batchSize], dtype: 'int32', backend: data.backend })
        const { grads } = lossAndGrad(params, x, y, { s: step, out })
        const { updates, state } = optimizer.update(grads, optState, params)
        return { params: applyUpdates(params, updates) as AutoencoderParams, state }
      })
      if (ownsParams) dispose(params)
      if (ownsState) dispose([optState.mu, optState.nu])
      params = result.params
      optState = result.state
      ownsParams = true
      ownsState = true
      step += 1
      totals.rec += out.rec
      totals.kl += out.kl
      totals.elbo += out.elbo
      totals.count += batchSize
      if (options.logEvery !== undefined && step % options.logEvery === 0 && onProgress !== undefined) {
        await onProgress(summary('train', epoch))
      }
    }
    let report = summary('epoch', epoch)
    if (testData !== undefined) {
      const e = evaluateAutoencoder(config, params, testData, {
        key: evalKey,
        labels: options.testLabels,
        corrupt: true,
      })
      report = { ...report, testElbo: e.elbo, testRec: e.rec, testKl: e.kl }
    }
    history.push(report)
    if (onProgress !== undefined) await onProgress(report)
    if (onCheckpoint !== undefined) await onCheckpoint(snapshot())
  }
  return { params, checkpoint: snapshot(), history }
}

function sumOf(a: TypedArray): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]
  return s
}
