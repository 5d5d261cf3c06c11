import { InvalidArgumentError } from '../errors'
import { tidy } from '../memory'
import { add, mul } from '../ops/binary'
import { zerosLike } from '../ops/creation'
import {
  checkCount,
  checkLearningRate,
  checkNonNegative,
  checkRange,
  rateAt,
  type LearningRate,
  type Optimizer,
} from './optimizer'
import { mapTree, type TensorTree } from './tree'

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Step size η, or a schedule of the step. */
  readonly learningRate: LearningRate
  /** Momentum μ in [0, 1); 0 (the default) is plain gradient descent. */
  readonly momentum?: number
  /** Use Nesterov's look-ahead form (needs momentum > 0). Default false. */
  readonly nesterov?: boolean
  /** L2 penalty λ added to the gradient (`g + λ·θ`, PyTorch's `weight_decay`). Default 0. */
  readonly weightDecay?: number
}

/** State of {@link sgd}: the step count and the momentum buffer (null without momentum). */
export interface SgdState {
  /** Updates made so far. */
  readonly count: number
  /** Velocity `b`, with the parameters' structure; null when momentum is 0. */
  readonly velocity: TensorTree | null
}

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, in PyTorch's
 * form (Sutskever et al. 2013, "On the importance of initialization and momentum in deep
 * learning"):
 *
 * ```
 * g ← g + λ·θ                       (weight decay, when λ > 0)
 * b ← μ·b + g                       (b starts at 0, so the first b is g)
 * d = g + μ·b  (Nesterov)  or  b  (classic)  or  g  (μ = 0)
 * update = −η_t·d
 * ```
 *
 * @param options - learning rate, momentum, nesterov, weight decay
 * @returns an optimizer over parameter trees (shapes of updates = shapes of gradients)
 * @throws InvalidArgumentError for a negative or non-finite learning rate, momentum outside
 *   [0, 1), a negative weight decay, or Nesterov without momentum
 * @example
 * ```ts
 * const optimizer = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })
 * let state = optimizer.init(params)
 * const { updates, state: next } = optimizer.update(grads, state, params)
 * ```
 */
export function sgd(options: SgdOptions): Optimizer<SgdState> {
  const op = 'sgd'
  const { learningRate, momentum = 0, nesterov = false, weightDecay = 0 } = options
  checkLearningRate(op, learningRate)
  checkRange(op, 'momentum', momentum, { lo: 0, hi: 1 })
  checkNonNegative(op, 'weightDecay', weightDecay)
  if (nesterov && momentum === 0) {
    throw new InvalidArgumentError(op, 'nesterov', 'needs momentum > 0, got momentum 0')
  }
  return {
    init: (params) => ({
      count: 0,
      velocity: momentum > 0 ? mapTree(`${op}.init`, ([p]) => zerosLike(p), params) : null,
    }),
    update: (grads, state, params) =>
      tidy(() => {
        checkCount(`${op}.update`, state.count)
        const rate = rateAt(`${op}.update`, learningRate, state.count)
        let g = grads
        if (weightDecay > 0) {
          if (params === undefined) {
            throw new InvalidArgumentError(
              `${op}.update`,
              'params',
              'must be given when weightDecay > 0, got undefined',
            )
          }
          g = mapTree(`${op}.update`, ([gi, p]) => add(gi, mul(p, weightDecay)), grads, params)
        }
        let velocity: TensorTree | null = null
        let direction = g
        if (momentum > 0) {
          if (state.velocity === null) {
            throw new InvalidArgumentError(
              `${op}.update`,
              'state.velocity',
              'must be a tree when momentum > 0, got null',
            )
          }
          velocity = mapTree(`${op}.update`, ([b, gi]) => add(mul(b, momentum), gi), state.velocity, g)
          direction = nesterov
            ? mapTree(`${op}.update`, ([gi, b]) => add(gi, mul(b, momentum)), g, velocity)
            : velocity
        }
        const updates = mapTree(`${op}.update`, ([d]) => mul(d, -rate), direction)
        return { updates, state: { count: state.count + 1, velocity } }
      }),
  }
}
