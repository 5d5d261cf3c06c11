import type { AdamStepConstants } from '../backend/spec'
import { InvalidArgumentError } from '../errors'
import { tidy } from '../memory'
import { add, div, mul } from '../ops/binary'
import { zerosLike } from '../ops/creation'
import { sqrt, square } from '../ops/unary'
import {
  checkCount,
  checkLearningRate,
  checkNonNegative,
  checkRange,
  rateAt,
  type LearningRate,
  type Optimizer,
} from './optimizer'
import { runtime } from '../runtime'
import { type Tensor, tensorFromHandle } from '../tensor'
import { mapTree } from './tree'
import type { TensorTree } from './tree'

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Step size η, or a schedule of the step. */
  readonly learningRate: LearningRate
  /** Decay β₁ of the first moment, in [0, 1). Default 0.9. */
  readonly beta1?: number
  /** Decay β₂ of the second moment, in [0, 1). Default 0.999. */
  readonly beta2?: number
  /** ε added to √v̂ in the denominator, >= 0. Default 1e-8. */
  readonly epsilon?: number
}

/** Options of {@link adamw}: Adam's, plus the decoupled weight decay. */
export interface AdamWOptions extends AdamOptions {
  /** Decoupled decay λ >= 0, applied as `−η·λ·θ`. Default 0.01 (PyTorch's default). */
  readonly weightDecay?: number
}

/** State of {@link adam} and {@link adamw}. */
export interface AdamState {
  /** Updates made so far (t − 1 during the t-th update). */
  readonly count: number
  /** First moment m (exponential average of gradients). */
  readonly mu: TensorTree
  /** Second moment v (exponential average of squared gradients). */
  readonly nu: TensorTree
}

/** One leaf's new moments and update. */
interface LeafStep {
  m: Tensor
  v: Tensor
  update: Tensor
}

/**
 * One Adam/AdamW step of one leaf: the backend's fused kernel when it has one and no gradient
 * tape watches the inputs (the fused kernel records nothing), else the composed ops. Both give
 * the same float values (see `FusedKernels.adamUpdate`).
 */
function adamLeafStep(leaf: { m: Tensor; v: Tensor; g: Tensor; p?: Tensor }, k: AdamStepConstants): LeafStep {
  const { m, v, g, p } = leaf
  const fused = g.backend.fused?.adamUpdate
  const inputs = p === undefined ? [m, v, g] : [m, v, g, p]
  const watched =
    runtime.noGradDepth === 0 && runtime.tapes.some((tape) => inputs.some((t) => tape.watched.has(t.id)))
  const sameBackend = inputs.every((t) => t.backend === g.backend)
  if (fused !== undefined && !watched && sameBackend && inputs.every((t) => t.dtype === 'float32')) {
    const out = fused({ m: m.view('adam'), v: v.view('adam'), g: g.view('adam'), p: p?.view('adam') }, k)
    return {
      m: tensorFromHandle(g.backend, out.m, g.shape, 'float32'),
      v: tensorFromHandle(g.backend, out.v, g.shape, 'float32'),
      update: tensorFromHandle(g.backend, out.update, g.shape, 'float32'),
    }
  }
  const m1 = add(mul(m, k.beta1), mul(g, 1 - k.beta1))
  const v1 = add(mul(v, k.beta2), mul(square(g), 1 - k.beta2))
  const direction = div(div(m1, k.correction1), add(sqrt(div(v1, k.correction2)), k.epsilon))
  const update =
    k.weightDecay > 0 && p !== undefined
      ? mul(add(direction, mul(p, k.weightDecay)), -k.rate)
      : mul(direction, -k.rate)
  return { m: m1, v: v1, update }
}

function makeAdam(op: string, options: AdamWOptions, decoupled: boolean): Optimizer<AdamState> {
  const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options
  const weightDecay = decoupled ? (options.weightDecay ?? 0.01) : 0
  checkLearningRate(op, learningRate)
  checkRange(op, 'beta1', beta1, { lo: 0, hi: 1 })
  checkRange(op, 'beta2', beta2, { lo: 0, hi: 1 })
  checkNonNegative(op, 'epsilon', epsilon)
  checkNonNegative(op, 'weightDecay', weightDecay)
  return {
    init: (params) => ({
      count: 0,
      mu: mapTree(`${op}.init`, ([p]) => zerosLike(p), params),
      nu: mapTree(`${op}.init`, ([p]) => zerosLike(p), params),
    }),
    update: (grads, state, params) =>
      tidy(() => {
        const where = `${op}.update`
        checkCount(where, state.count)
        const rate = rateAt(where, learningRate, state.count)
        const t = state.count + 1
        // Bias corrections divide: m̂ = m / (1 − β₁ᵗ). Multiplying instead makes the first steps
        // ~1/(1−β₁) too large (case H4). Computed in float64 on the host.
        const correction1 = 1 - beta1 ** t
        const correction2 = 1 - beta2 ** t
        if (weightDecay > 0 && params === undefined) {
          throw new InvalidArgumentError(where, 'params', 'must be given when weightDecay > 0, got undefined')
        }
        const constants = { beta1, beta2, correction1, correction2, epsilon, rate, weightDecay }
        // One step per leaf, fused where the backend offers it; the three results are then
        // gathered into the moment and update trees, whose leaves come in the same order.
        const steps: LeafStep[] = []
        const trees = weightDecay > 0 ? [state.mu, state.nu, grads, params!] : [state.mu, state.nu, grads]
        const mu = mapTree(
          where,
          ([m, v, g, p]) => {
            const step = adamLeafStep({ m, v, g, p }, constants)
            steps.push(step)
            return step.m
          },
          ...trees,
        )
        let leaf = 0
        const nu = mapTree(where, () => steps[leaf++].v, state.nu)
        leaf = 0
        const updates = mapTree(where, () => steps[leaf++].update, state.mu)
        return { updates, state: { count: t, mu, nu } }
      }),
  }
}

/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1):
 *
 * ```
 * m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 * m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
 * update = −η_t · m̂ / (√v̂ + ε)
 * ```
 *
 * With a constant gradient the first steps are exactly −η each, whatever the gradient's
 * scale (Adam is invariant to rescaling g).
 *
 * @param options - learning rate, β₁, β₂, ε
 * @returns an optimizer over parameter trees
 * @throws InvalidArgumentError for a negative or non-finite learning rate, β outside [0, 1)
 *   or a negative ε
 * @example
 * ```ts
 * const optimizer = adam({ learningRate: 1e-3 })
 * let state = optimizer.init(params)
 * const { updates, state: next } = optimizer.update(grads, state)
 * params = applyUpdates(params, updates)
 * ```
 */
export function adam(options: AdamOptions): Optimizer<AdamState> {
  return makeAdam('adam', options, false)
}

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled Weight Decay
 * Regularization", Algorithm 2 with schedule multiplier η_t):
 *
 * ```
 * update = −η_t · ( m̂ / (√v̂ + ε) + λ·θ )
 * ```
 *
 * The decay acts on the parameters directly instead of entering m and v as an L2 gradient
 * would, so it is not rescaled by the adaptive denominator. Equal to PyTorch's `AdamW`.
 *
 * @param options - Adam's options and `weightDecay` λ (default 0.01)
 * @returns an optimizer whose `update` needs `params`
 * @throws InvalidArgumentError as {@link adam}, for a negative weight decay, or when
 *   `update` is called without `params` while λ > 0
 * @example
 * ```ts
 * const optimizer = adamw({ learningRate: 1e-3, weightDecay: 0.01 })
 * const { updates, state: next } = optimizer.update(grads, state, params)
 * ```
 */
export function adamw(options: AdamWOptions): Optimizer<AdamState> {
  return makeAdam('adamw', options, true)
}
