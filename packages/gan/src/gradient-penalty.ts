/**
 * The gradient penalty of WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein
 * GANs", eq. 3 and Algorithm 1): a soft 1-Lipschitz constraint on the critic, evaluated at
 * random points between real and generated samples. Uses a nested gradient (∇ₓ of the critic
 * inside the loss), so the penalty itself differentiates with respect to the critic's weights.
 */
import {
  add,
  fromArray,
  grad,
  InvalidArgumentError,
  type Key,
  mean,
  mul,
  reshape,
  ShapeError,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'
import { checkNumber, checkTensor } from './internal/check'

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** Key of the interpolation weights ε ~ U[0, 1], one per example. */
  readonly key?: Key
  /** The interpolation weights themselves, `[N]` in [0, 1] (instead of a key; for tests). */
  readonly epsilon?: Tensor
  /** The target gradient norm. Default 1 (the Lipschitz constant). */
  readonly target?: number
}

/**
 * The WGAN-GP penalty at interpolates `x̂ = ε·x_real + (1 − ε)·x_fake` (ε per example):
 *
 * ```
 * GP = E_x̂ ( ‖∇ₓ̂ f(x̂)‖₂ − target )²
 * ```
 *
 * The gradient is of `Σ_i f(x̂_i)`, which equals the per-example gradients only when the
 * critic treats examples independently: no batch normalisation in the critic (the paper
 * drops it for this reason; use layer or no normalisation). The norm is
 * `√(Σ g² + 1e−12)`, so the penalty stays differentiable where the gradient is 0.
 * Multiply by λ (10 in the paper) and add it to {@link wassersteinCriticLoss}.
 *
 * Shapes: real and fake `[N, ...]` alike; `critic(x)` returns `[N]` or `[N, 1]`.
 *
 * @param critic - `x ↦ f(x)`, closing over the critic's parameters
 * @param real - data samples
 * @param fake - generator samples (constants here: the critic step does not move G)
 * @param options - key or epsilon (one is required), target (default 1)
 * @returns the scalar penalty (≥ 0)
 * @throws ShapeError when real and fake differ in shape, or epsilon is not `[N]`
 * @throws InvalidArgumentError without a key or epsilon, for epsilon outside [0, 1], or a
 *   non-finite target
 * @example
 * ```ts
 * const loss = (p: CriticParams) =>
 *   add(wassersteinCriticLoss(f(p, real), f(p, fake)),
 *       mul(gradientPenalty((x) => f(p, x), real, fake, { key: k }), 10))
 * ```
 */
export function gradientPenalty(
  critic: (x: Tensor) => Tensor,
  real: Tensor,
  fake: Tensor,
  options: GradientPenaltyOptions,
): Tensor {
  const op = 'gradientPenalty'
  if (typeof critic !== 'function') {
    throw new InvalidArgumentError(op, 'critic', `must be a function, got ${typeof critic}`)
  }
  checkTensor(op, 'real', real)
  checkTensor(op, 'fake', fake)
  if (real.rank < 2 || real.shape.join() !== fake.shape.join()) {
    throw new ShapeError(
      op,
      `real and fake must be [N, ...] of one shape, got [${real.shape.join(', ')}] and [${fake.shape.join(', ')}]`,
      [real.shape, fake.shape],
    )
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      op,
      'options',
      `must be an options object with key or epsilon, got ${String(options)}`,
    )
  }
  const { target = 1 } = options
  checkNumber(op, 'target', target)
  const n = real.shape[0]
  let epsilon: Tensor
  if (options.epsilon !== undefined) {
    checkTensor(op, 'epsilon', options.epsilon)
    if (options.epsilon.rank !== 1 || options.epsilon.shape[0] !== n) {
      throw new ShapeError(op, `epsilon must be [${n}], got [${options.epsilon.shape.join(', ')}]`, [
        options.epsilon.shape,
      ])
    }
    const values = options.epsilon.dataSync()
    if (values.some((v) => !(v >= 0 && v <= 1))) {
      throw new InvalidArgumentError(op, 'epsilon', 'must hold values in [0, 1], got one outside')
    }
    epsilon = options.epsilon
  } else if (options.key !== undefined) {
    epsilon = fromArray(uniformFloats(options.key, n), { shape: [n], backend: real.backend })
  } else {
    throw new InvalidArgumentError(op, 'options', 'must hold a key or epsilon, got neither')
  }
  const e = reshape(epsilon, [n, ...new Array<number>(real.rank - 1).fill(1)])
  // x̂ = fake + ε·(real − fake)
  const interpolates = add(fake, mul(e, sub(real, fake)))
  const gradients = grad((x: Tensor) => sum(critic(x)))(interpolates)
  const axes = Array.from({ length: real.rank - 1 }, (_, i) => i + 1)
  const norms = sqrt(add(sum(square(gradients), { axis: axes }), 1e-12))
  return mean(square(sub(norms, target)))
}
