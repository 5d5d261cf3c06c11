/**
 * @internal The Adam + EMA loop that reflow and Inductive Moment Matching train with: the
 * same update as trainDenoiser (optional global-norm clipping, EMA θ̄ ← d θ̄ + (1 − d) θ,
 * progress averaged over logEvery steps, the batch of step s drawn from fold(key, s)), but
 * over any batch builder and loss, since neither objective fits trainDenoiser's
 * (data → batch) shape.
 */
import { dispose, fold, type Key, type Tensor, type TensorTree, tidy, valueAndGrad } from '@gen/core-tensor'
import { adam, type AdamOptions, type AdamState, emaInit, emaUpdate } from '@gen/core-tensor/optim'
import { checkFiniteStep, clippedOptimizerStep } from '../train/optimizer-step'
import { checkInteger, checkNumber } from '../nets/check'
import type { TrainProgress } from '../train/train-denoiser'

/** What every few-step trainer takes besides its data. */
export interface FewStepTrainOptions {
  /** Total updates. */
  readonly steps: number
  /** Examples per update. */
  readonly batchSize: number
  /** Adam's options. Default learning rate 1e-3. */
  readonly optimizer?: AdamOptions
  /** Rescale gradients to this global norm when larger. Default: no clipping. */
  readonly gradientClipNorm?: number
  /** EMA decay of the weights in [0, 1); 0 (default) keeps none. */
  readonly emaDecay?: number
  /** Key of the run: the batch of step s comes from fold(key, s). */
  readonly key: Key
  /** Report progress every this many steps (default 100) and at the end. */
  readonly logEvery?: number
  readonly onProgress?: (progress: TrainProgress) => void
}

/** What every few-step trainer returns. */
export interface FewStepTrainResult<TParams> {
  readonly params: TParams
  /** EMA of the weights, when emaDecay > 0. */
  readonly ema?: TParams
  readonly history: readonly TrainProgress[]
}

/** @internal */
export interface LoopSpec<TParams, TBatch> extends FewStepTrainOptions {
  readonly op: string
  readonly params: TParams
  /** Builds step s's batch (inside a tidy scope) from the current, untraced params. */
  readonly makeBatch: (params: TParams, stepKey: Key) => TBatch
  readonly loss: (params: TParams, batch: TBatch) => Tensor
}

/** @internal Checks the shared options. */
export function checkTrainOptions(op: string, options: FewStepTrainOptions): void {
  checkInteger(op, 'steps', options.steps, 0)
  checkInteger(op, 'batchSize', options.batchSize)
  if (options.gradientClipNorm !== undefined)
    checkNumber(op, 'gradientClipNorm', options.gradientClipNorm, { lo: 0, openLow: true })
  checkNumber(op, 'emaDecay', options.emaDecay ?? 0, { lo: 0, hi: 1, openHigh: true })
  checkInteger(op, 'logEvery', options.logEvery ?? 100)
}

/** @internal Runs the loop; the caller's initial params are never disposed. */
export function runTrainLoop<TParams, TBatch>(spec: LoopSpec<TParams, TBatch>): FewStepTrainResult<TParams> {
  const { op, batchSize } = spec
  checkTrainOptions(op, spec)
  const asTree = (p: unknown): TensorTree => p as TensorTree
  const emaDecay = spec.emaDecay ?? 0
  const logEvery = spec.logEvery ?? 100
  const clip = spec.gradientClipNorm
  const optimizer = adam(spec.optimizer ?? { learningRate: 1e-3 })
  let params = spec.params
  let optState: AdamState = optimizer.init(asTree(params))
  let ema: TParams | undefined =
    emaDecay > 0 ? (emaInit(asTree(params)).average as unknown as TParams) : undefined
  const owned = new Set<unknown>([optState, ema])
  const replace = <T>(old: T, next: T): T => {
    if (owned.has(old)) dispose(old)
    owned.delete(old)
    owned.add(next)
    return next
  }
  const lossAndGrad = valueAndGrad((p: TensorTree, batch: TBatch) =>
    spec.loss(p as unknown as TParams, batch),
  )
  const history: TrainProgress[] = []
  const start = performance.now()
  let last = start
  let acc = { loss: 0, norm: 0, count: 0 }
  let step = 0
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
    spec.onProgress?.(progress)
    last = now
    acc = { loss: 0, norm: 0, count: 0 }
  }
  while (step < spec.steps) {
    const stepKey = fold(spec.key, step)
    const result = tidy(() => {
      const batch = spec.makeBatch(params, stepKey)
      return clippedOptimizerStep(op, lossAndGrad, {
        params: asTree(params),
        batch,
        optimizer,
        state: optState,
        clip,
      })
    })
    params = replace(params, result.params as unknown as TParams)
    optState = replace(optState, result.optimizer)
    if (ema !== undefined) {
      const next = emaUpdate({ count: step, average: asTree(ema) }, asTree(params), emaDecay).average
      ema = replace(ema, next as unknown as TParams)
    }
    step += 1
    checkFiniteStep(op, result, step)
    acc.loss += result.loss
    acc.norm += result.norm
    acc.count += 1
    if (step % logEvery === 0) report()
  }
  report()
  dispose(optState)
  return { params, ...(ema === undefined ? {} : { ema }), history }
}
