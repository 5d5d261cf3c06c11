/**
 * The conditioning vector of a denoiser: a sinusoidal embedding of the time or noise level
 * through a two-layer SiLU MLP (Ho et al. 2020, DDPM's `temb`), plus a learned class
 * embedding whose extra last row is the "no label" token of classifier-free guidance (Ho &
 * Salimans 2022).
 */
import { add, type BackendV1, full, type Key, mul, silu, split, type Tensor } from '@gen/core-tensor'
import {
  embedding,
  embeddingInit,
  type EmbeddingParams,
  linear,
  linearInit,
  type LinearParams,
  sinusoidalEmbedding,
} from '@gen/core-tensor/nn'
import { checkShape, checkTensor, checkTimes } from './check'

/** What a denoiser is conditioned on besides its input x. */
export interface DenoiserInputs {
  /** `[N]` float: time or noise level of each example, in the objective's units. */
  readonly t: Tensor
  /** int32 `[N]`: class labels 0 … numClasses − 1, or numClasses for "no label". */
  readonly labels?: Tensor
}

/** Parameters of the conditioning MLP and the class table. */
export interface ConditioningParams {
  /** `[dim, sinusoidalDim]`. */
  readonly timeHidden: LinearParams
  /** `[dim, dim]`. */
  readonly timeOutput: LinearParams
  /** `[numClasses + 1, dim]`; row `numClasses` is the null label. Absent for an unconditional net. */
  readonly classEmbedding?: EmbeddingParams
}

/** Sizes of the conditioning vector. */
export interface ConditioningConfig {
  /** Width of the sinusoidal features (even). */
  readonly sinusoidalDim: number
  /** Width of the conditioning vector. */
  readonly dim: number
  /** Classes of a conditional net (labels 0 … numClasses − 1, numClasses = no label). */
  readonly numClasses?: number
  /** t is multiplied by this before the sinusoidal features (1000 for t ∈ [0, 1]). */
  readonly timeScale: number
}

/** @internal */
export function conditioningInit(
  key: Key,
  config: ConditioningConfig,
  backend: BackendV1,
): ConditioningParams {
  const [k1, k2, k3] = split(key, 3)
  const base = {
    timeHidden: linearInit(k1, config.sinusoidalDim, config.dim, { backend }),
    timeOutput: linearInit(k2, config.dim, config.dim, { backend }),
  }
  if (config.numClasses === undefined) return base
  // std 1 rows, like nn.Embedding; the null row is learned too (it is trained by label dropout)
  return { ...base, classEmbedding: embeddingInit(k3, config.numClasses + 1, config.dim, { backend }) }
}

/**
 * @internal The conditioning vector `c = W₂ silu(W₁ sin/cos(t · timeScale)) + E[label]`,
 * `[N, dim]`. A conditional net given no labels uses the null row for every example.
 */
export function conditioning(
  op: string,
  config: ConditioningConfig,
  params: ConditioningParams,
  inputs: DenoiserInputs & { readonly n: number },
): Tensor {
  const { t, labels, n } = inputs
  checkTensor(op, 't', t)
  checkShape(op, 't', t, [n])
  checkTimes(op, 't', t)
  const features = sinusoidalEmbedding(
    config.timeScale === 1 ? t : mul(t, config.timeScale),
    config.sinusoidalDim,
  )
  const temb = linear(params.timeOutput, silu(linear(params.timeHidden, features)))
  if (config.numClasses === undefined || params.classEmbedding === undefined) return temb
  let index: Tensor
  if (labels === undefined) {
    index = full([n], config.numClasses, { dtype: 'int32', backend: t.backend })
  } else {
    checkTensor(op, 'labels', labels, 'int32')
    checkShape(op, 'labels', labels, [n])
    index = labels
  }
  return add(temb, embedding(params.classEmbedding, index))
}
