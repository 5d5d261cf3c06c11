import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { add, mul, sub } from '../ops/binary'
import { oneHot } from '../ops/indexing'
import { checkTensor, fmtShape } from '../ops/internal'
import { mean, sum } from '../ops/reduce'
import { logSoftmax } from '../ops/softmax'
import { exp, softplus, square } from '../ops/unary'
import type { Tensor } from '../tensor'

/**
 * How a loss reduces its elementwise values: `'mean'` (PyTorch's default), `'sum'`, or
 * `'none'` (the elementwise tensor).
 *
 * @example
 * ```ts
 * mseLoss(prediction, target, { reduction: 'sum' })
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none'

/** Options of the losses. */
export interface LossOptions {
  /** How to reduce the elementwise losses. Default `'mean'`. */
  readonly reduction?: Reduction
}

function reduce(op: string, values: Tensor, reduction: Reduction | undefined): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean':
      return mean(values)
    case 'sum':
      return sum(values)
    case 'none':
      return values
    default:
      throw new InvalidArgumentError(
        op,
        'reduction',
        `must be 'mean', 'sum' or 'none', got ${String(reduction)}`,
      )
  }
}

function checkSameShape(op: string, names: [string, string], a: Tensor, b: Tensor): void {
  checkTensor(op, names[0], a)
  checkTensor(op, names[1], b)
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      op,
      `${names[0]} and ${names[1]} must have one shape, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    )
  }
}

/**
 * Mean squared error: `ℓ_i = (prediction_i − target_i)²`, reduced.
 *
 * @param prediction - any shape
 * @param target - the same shape
 * @param options - reduction (default mean)
 * @returns a scalar (mean, sum) or the elementwise losses (none)
 * @throws ShapeError when the shapes differ (no silent broadcasting of a [N] target against [N, 1])
 * @example
 * ```ts
 * mseLoss(fromArray([1, 2]), fromArray([1, 4])).item() // 2
 * ```
 */
export function mseLoss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape('mseLoss', ['prediction', 'target'], prediction, target)
  return reduce('mseLoss', square(sub(prediction, target)), options.reduction)
}

/**
 * Binary cross-entropy on logits, in the overflow-free form
 * `ℓ = max(x, 0) − x·z + log(1 + e^−|x|)` (= −z·log σ(x) − (1 − z)·log(1 − σ(x))), finite
 * for logits of any size (±100 and beyond).
 *
 * @param logits - x, any shape
 * @param targets - z in [0, 1] (soft labels allowed), the same shape
 * @param options - reduction (default mean)
 * @returns the loss
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * binaryCrossEntropyWithLogits(fromArray([0]), fromArray([1])).item() // ln 2
 * ```
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  options: LossOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits'
  checkSameShape(op, ['logits', 'targets'], logits, targets)
  // softplus(x) − x·z, with softplus(x) = max(x, 0) + log1p(e^−|x|) (stable).
  return reduce(op, sub(softplus(logits), mul(logits, targets)), options.reduction)
}

/** Options of {@link crossEntropyWithLogits}. */
export interface CrossEntropyOptions extends LossOptions {
  /** ε in [0, 1): the target puts 1 − ε on the class and ε/C on every class (Szegedy et al. 2016). Default 0. */
  readonly labelSmoothing?: number
}

/**
 * Cross-entropy of class targets against logits, through log-softmax (stable at logits of
 * any size; case H1), with optional label smoothing (Szegedy et al. 2016, "Rethinking the
 * Inception Architecture", §7):
 *
 * ```
 * q = (1 − ε)·onehot(target) + ε/C,    ℓ = −Σ_c q_c · log softmax(x)_c
 * ```
 *
 * Shapes: logits `[N, C]` with targets `[N]` int32, or logits `[C]` with a scalar target.
 * The gradient with respect to the logits is `softmax(x) − q`.
 *
 * @param logits - x
 * @param targets - int32 class indices in [0, C)
 * @param options - label smoothing, reduction over the batch (default mean)
 * @returns the loss
 * @throws ShapeError when the shapes do not fit
 * @throws DTypeError when targets are not int32
 * @throws InvalidArgumentError for ε outside [0, 1) or a target out of range
 * @example
 * ```ts
 * crossEntropyWithLogits(fromArray([-431, 279, 427]), fromArray(0, { dtype: 'int32' })).item() // 858
 * ```
 */
export function crossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const op = 'crossEntropyWithLogits'
  checkTensor(op, 'logits', logits)
  checkTensor(op, 'targets', targets)
  const { labelSmoothing = 0 } = options
  if (
    typeof labelSmoothing !== 'number' ||
    !Number.isFinite(labelSmoothing) ||
    labelSmoothing < 0 ||
    labelSmoothing >= 1
  ) {
    throw new InvalidArgumentError(op, 'labelSmoothing', `must be in [0, 1), got ${String(labelSmoothing)}`)
  }
  if (targets.dtype !== 'int32')
    throw new DTypeError(op, `targets must be int32 class indices, got ${targets.dtype}`, targets.dtype)
  if (
    logits.rank < 1 ||
    targets.rank !== logits.rank - 1 ||
    targets.shape.some((d, i) => d !== logits.shape[i])
  ) {
    throw new ShapeError(
      op,
      `targets must have the logits' shape without the class dim, got logits ${fmtShape(logits.shape)} and targets ${fmtShape(targets.shape)}`,
      [logits.shape, targets.shape],
    )
  }
  const classes = logits.shape[logits.rank - 1]
  let q = oneHot(targets, classes)
  if (labelSmoothing > 0) q = add(mul(q, 1 - labelSmoothing), labelSmoothing / classes)
  const perExample = sum(mul(q, logSoftmax(logits, -1)), { axis: -1 })
  return reduce(op, mul(perExample, -1), options.reduction)
}

/**
 * KL divergence of a diagonal Gaussian from the standard normal, the VAE's regulariser
 * (Kingma & Welling 2014, "Auto-Encoding Variational Bayes", Appendix B), per dimension:
 *
 * ```
 * KL(N(μ, σ²) ‖ N(0, 1)) = ½ · (σ² + μ² − 1 − log σ²),   σ² = e^logVar
 * ```
 *
 * It is 0 exactly at μ = 0, logVar = 0 and positive elsewhere; ∂/∂μ = μ, ∂/∂logVar = ½(e^logVar − 1).
 * For the ELBO, sum over latent dims and average over the batch: `reduction: 'sum'` then
 * divide by the batch size, or `'none'` and reduce yourself.
 *
 * @param mu - μ, any shape
 * @param logVar - log σ², the same shape
 * @param options - reduction (default mean)
 * @returns the divergence
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * gaussianKl(fromArray([1]), fromArray([0])).item() // 0.5
 * ```
 */
export function gaussianKl(mu: Tensor, logVar: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape('gaussianKl', ['mu', 'logVar'], mu, logVar)
  const terms = mul(sub(add(exp(logVar), square(mu)), add(logVar, 1)), 0.5)
  return reduce('gaussianKl', terms, options.reduction)
}

/**
 * Log-density of x under a diagonal Gaussian with mean μ and log-variance logVar:
 *
 * ```
 * log N(x; μ, σ²) = −½ · (log 2π + logVar + (x − μ)² · e^−logVar)
 * ```
 *
 * @param x - observations
 * @param mean - μ, the same shape
 * @param logVar - log σ², the same shape
 * @param options - reduction (default mean; use 'sum' for the log-likelihood of a sample)
 * @returns the log-likelihood (higher is better; negate for a loss)
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * gaussianLogLikelihood(fromArray([0]), fromArray([0]), fromArray([0])).item() // −½ log 2π
 * ```
 */
export function gaussianLogLikelihood(
  x: Tensor,
  mean: Tensor,
  logVar: Tensor,
  options: LossOptions = {},
): Tensor {
  const op = 'gaussianLogLikelihood'
  checkSameShape(op, ['x', 'mean'], x, mean)
  checkSameShape(op, ['x', 'logVar'], x, logVar)
  const quadratic = mul(square(sub(x, mean)), exp(mul(logVar, -1)))
  return reduce(op, mul(add(add(quadratic, logVar), Math.log(2 * Math.PI)), -0.5), options.reduction)
}

/**
 * Log-probability of binary (or [0, 1]) observations under Bernoulli(σ(logits)), in the
 * stable form `x·ℓ − softplus(ℓ)` = −binaryCrossEntropyWithLogits:
 *
 * ```
 * log p(x) = x · log σ(ℓ) + (1 − x) · log(1 − σ(ℓ))
 * ```
 *
 * @param x - observations in [0, 1]
 * @param logits - ℓ, the same shape
 * @param options - reduction (default mean; use 'sum' for the log-likelihood of a sample)
 * @returns the log-likelihood (≤ 0 for binary x)
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * bernoulliLogLikelihood(fromArray([1]), fromArray([0])).item() // −ln 2
 * ```
 */
export function bernoulliLogLikelihood(x: Tensor, logits: Tensor, options: LossOptions = {}): Tensor {
  const op = 'bernoulliLogLikelihood'
  checkSameShape(op, ['x', 'logits'], x, logits)
  return reduce(op, sub(mul(x, logits), softplus(logits)), options.reduction)
}
