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
import { mapTree, type TensorTree } from './tree'

/** Options of {@link rmsprop}. */
export interface RmspropOptions {
  /** Step size η, or a schedule of the step. */
  readonly learningRate: LearningRate
  /** Decay ρ of the squared-gradient average, in [0, 1). Default 0.99 (PyTorch's `alpha`). */
  readonly decay?: number
  /** ε added to √v in the denominator, >= 0. Default 1e-8. */
  readonly epsilon?: number
}

/** State of {@link rmsprop}. */
export interface RmspropState {
  /** Updates made so far. */
  readonly count: number
  /** Running average v of squared gradients. */
  readonly nu: TensorTree
}

/**
 * RMSProp (Tieleman & Hinton 2012, Coursera "Neural Networks for Machine Learning",
 * lecture 6e), in PyTorch's form with ε outside the root and no bias correction:
 *
 * ```
 * v ← ρ·v + (1 − ρ)·g²            update = −η_t · g / (√v + ε)
 * ```
 *
 * @param options - learning rate, decay ρ, ε
 * @returns an optimizer over parameter trees
 * @throws InvalidArgumentError for a negative or non-finite learning rate, ρ outside [0, 1)
 *   or a negative ε
 * @example
 * ```ts
 * const optimizer = rmsprop({ learningRate: 1e-2 })
 * ```
 */
export function rmsprop(options: RmspropOptions): Optimizer<RmspropState> {
  const op = 'rmsprop'
  const { learningRate, decay = 0.99, epsilon = 1e-8 } = options
  checkLearningRate(op, learningRate)
  checkRange(op, 'decay', decay, { lo: 0, hi: 1 })
  checkNonNegative(op, 'epsilon', epsilon)
  return {
    init: (params) => ({ count: 0, nu: mapTree(`${op}.init`, ([p]) => zerosLike(p), params) }),
    update: (grads, state) =>
      tidy(() => {
        const where = `${op}.update`
        checkCount(where, state.count)
        const rate = rateAt(where, learningRate, state.count)
        const nu = mapTree(where, ([v, g]) => add(mul(v, decay), mul(square(g), 1 - decay)), state.nu, grads)
        const updates = mapTree(where, ([g, v]) => mul(div(g, add(sqrt(v), epsilon)), -rate), grads, nu)
        return { updates, state: { count: state.count + 1, nu } }
      }),
  }
}
