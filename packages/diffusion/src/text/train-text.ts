/**
 * The training loop of both text models: Adam (Kingma & Ba 2015) on minibatches of EOS-padded
 * sequences, with the masked-diffusion loss (LLaDA / MDLM) for the bidirectional transformer
 * or next-token cross-entropy for its causal twin. The batch of step s comes from
 * `fold(key, s)`, so a run is a function of its key.
 */
import {
  dispose,
  fold,
  indexSelect,
  InvalidArgumentError,
  type Key,
  mul,
  randint,
  type Tensor,
  type TensorTree,
  tidy,
  valueAndGrad,
} from '@gen/core-tensor'
import {
  adam,
  type AdamState,
  applyUpdates,
  globalNorm,
  type LearningRate,
  mapTree,
} from '@gen/core-tensor/optim'
import { checkInteger, checkNumber, checkObject, checkTensor } from '../nets/check'
import { autoregressiveLoss } from './autoregressive'
import { maskedDiffusionLoss, type MaskingMode } from './masked-diffusion'
import {
  transformer,
  type TransformerConfig,
  type TransformerParams,
  validateTransformerConfig,
} from './transformer'

/** What a text model is trained on. */
export type TextObjective =
  | {
      readonly kind: 'masked-diffusion'
      readonly maskId: number
      readonly mode?: MaskingMode
      readonly minT?: number
      /** 'none' drops the 1/t weight (an ablation). */
      readonly weighting?: 'elbo' | 'none'
      readonly promptLength?: number
    }
  | { readonly kind: 'autoregressive'; readonly bosId: number }

/** Options of {@link trainTextModel}. */
export interface TrainTextModelOptions {
  /** The architecture; the autoregressive objective makes it causal. */
  readonly config: TransformerConfig
  /** Initial parameters (from `initTransformer`); they are not disposed. */
  readonly params: TransformerParams
  /** Training sequences, int32 `[N, L]`, EOS-padded. */
  readonly data: Tensor
  readonly objective: TextObjective
  readonly key: Key
  readonly steps: number
  readonly batchSize: number
  /** Adam's learning rate, or a schedule. Default 1e-3. */
  readonly learningRate?: LearningRate
  /** Clip the gradient to this global L2 norm. Default 1. */
  readonly clipNorm?: number
  /** Called every `logEvery` steps with the mean loss since the last call. */
  readonly onProgress?: (progress: { step: number; loss: number; seconds: number }) => void
  /** Default 100. */
  readonly logEvery?: number
}

/** Result of {@link trainTextModel}. */
export interface TrainTextModelResult {
  readonly params: TransformerParams
  /** Mean loss (nats per token) of each logging interval. */
  readonly history: readonly { readonly step: number; readonly loss: number }[]
  /** Wall-clock seconds. */
  readonly seconds: number
}

/**
 * Trains a text transformer with Adam: each step draws `batchSize` sequences uniformly with
 * replacement, takes the objective's loss (masked diffusion: {@link maskedDiffusionLoss};
 * autoregressive: {@link autoregressiveLoss}), clips the gradient and updates. Both models
 * see the same number of sequences (token updates) for the same steps and batch size.
 *
 * @param options - config, params, data, objective, key, steps, batchSize, learningRate, clipNorm, onProgress
 * @returns the trained parameters, the loss history and the time taken
 * @throws InvalidArgumentError for bad options or a non-finite loss
 * @example
 * ```ts
 * const { params } = trainTextModel({ config, params: initTransformer(config, { key: key(0) }), data,
 *   objective: { kind: 'masked-diffusion', maskId }, key: key(1), steps: 2000, batchSize: 64 })
 * ```
 */
export function trainTextModel(options: TrainTextModelOptions): TrainTextModelResult {
  const op = 'trainTextModel'
  checkObject(op, 'options', options)
  const config = validateTransformerConfig(options.config)
  checkTensor(op, 'data', options.data, 'int32')
  checkInteger(op, 'steps', options.steps, 0)
  checkInteger(op, 'batchSize', options.batchSize)
  const clipNorm = options.clipNorm ?? 1
  checkNumber(op, 'clipNorm', clipNorm, { lo: 0, openLow: true })
  const logEvery = options.logEvery ?? 100
  checkInteger(op, 'logEvery', logEvery)
  const { objective } = options
  if (objective.kind !== 'masked-diffusion' && objective.kind !== 'autoregressive') {
    throw new InvalidArgumentError(
      op,
      'objective.kind',
      `must be 'masked-diffusion' or 'autoregressive', got ${JSON.stringify((objective as { kind: unknown }).kind)}`,
    )
  }
  const n = options.data.shape[0]
  const arConfig = { ...config, causal: true }
  const lossOf = (p: TensorTree, batch: Tensor, stepKey: Key): Tensor => {
    const params = p as unknown as TransformerParams
    if (objective.kind === 'autoregressive') {
      return autoregressiveLoss((t) => transformer(arConfig, params, t), batch, { bosId: objective.bosId })
    }
    return maskedDiffusionLoss((t) => transformer(config, params, t), batch, { ...objective, key: stepKey })
  }
  const lossAndGrad = valueAndGrad(lossOf)
  const optimizer = adam({ learningRate: options.learningRate ?? 1e-3 })
  let params = options.params as unknown as TensorTree
  let state: AdamState = optimizer.init(params)
  const history: { step: number; loss: number }[] = []
  const start = performance.now()
  let sum = 0
  let count = 0
  for (let step = 0; step < options.steps; step++) {
    const stepKey = fold(options.key, step)
    const result = tidy(() => {
      const index = randint(fold(stepKey, 0), [options.batchSize], { high: n, backend: options.data.backend })
      const batch = indexSelect(options.data, 0, index)
      const { value, grads } = lossAndGrad(params, batch, fold(stepKey, 1))
      const norm = globalNorm(grads).item()
      const scale = norm > clipNorm ? clipNorm / norm : 1
      const clipped = scale === 1 ? grads : mapTree(op, ([g]) => mul(g, scale), grads)
      const { updates, state: next } = optimizer.update(clipped, state, params)
      return { loss: value.item(), params: applyUpdates(params, updates), state: next }
    })
    if (!Number.isFinite(result.loss)) {
      throw new InvalidArgumentError(
        op,
        'options',
        `must give a finite loss, got ${result.loss} at step ${step}; lower the learning rate`,
      )
    }
    if (params !== (options.params as unknown as TensorTree)) dispose(params)
    dispose(state)
    params = result.params
    state = result.state
    sum += result.loss
    count++
    if ((step + 1) % logEvery === 0 || step + 1 === options.steps) {
      history.push({ step: step + 1, loss: sum / count })
      options.onProgress?.({ step: step + 1, loss: sum / count, seconds: (performance.now() - start) / 1000 })
      sum = 0
      count = 0
    }
  }
  dispose(state)
  return {
    params: params as unknown as TransformerParams,
    history,
    seconds: (performance.now() - start) / 1000,
  }
}
