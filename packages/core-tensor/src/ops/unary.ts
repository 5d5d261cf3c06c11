/**
 * Elementwise unary ops and activations. Transcendental ops promote int and bool inputs to
 * float32. Activations are written to stay finite (and keep finite gradients) at extreme
 * inputs: sigmoid through tanh, softplus through log1p(exp(-|x|)), elu through expm1 of
 * min(x, 0).
 */
import type { UnaryOp } from '../backend/spec'
import { InvalidArgumentError } from '../errors'
import { unaryP } from '../primitives'
import type { Tensor } from '../tensor'
import { add, greater, maximum, minimum, mul } from './binary'
import { checkTensor, toFloat } from './internal'
import { where } from './where'

function floatUnary(op: UnaryOp, name: string, x: Tensor): Tensor {
  checkTensor(name, 'x', x)
  return unaryP(op, toFloat(x))
}

/**
 * `-x`.
 *
 * @param x - input tensor
 * @returns the negation, same dtype (bool becomes int32)
 * @example
 * ```ts
 * neg(fromArray([1, -2])).toArray() // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  checkTensor('neg', 'x', x)
  return unaryP('neg', x.dtype === 'bool' ? toFloat(x) : x)
}

/**
 * `|x|`; its gradient is sign(x) (0 at 0).
 *
 * @param x - input tensor
 * @returns the absolute value
 * @example
 * ```ts
 * abs(fromArray([-1, 2])).toArray() // [1, 2]
 * ```
 */
export function abs(x: Tensor): Tensor {
  checkTensor('abs', 'x', x)
  return unaryP('abs', x)
}

/**
 * sign(x) ∈ {-1, 0, 1} (NaN stays NaN); zero gradient.
 *
 * @param x - input tensor
 * @returns the sign
 * @example
 * ```ts
 * sign(fromArray([-3, 0, 2])).toArray() // [-1, 0, 1]
 * ```
 */
export function sign(x: Tensor): Tensor {
  checkTensor('sign', 'x', x)
  return unaryP('sign', x)
}

/**
 * ⌊x⌋; zero gradient.
 *
 * @param x - input tensor
 * @returns the floor
 * @example
 * ```ts
 * floor(fromArray([1.5, -1.5])).toArray() // [1, -2]
 * ```
 */
export function floor(x: Tensor): Tensor {
  checkTensor('floor', 'x', x)
  return unaryP('floor', x)
}

/**
 * eˣ.
 *
 * @param x - input tensor
 * @returns the exponential, float32
 * @example
 * ```ts
 * exp(fromArray([0])).toArray() // [1]
 * ```
 */
export function exp(x: Tensor): Tensor {
  return floatUnary('exp', 'exp', x)
}

/**
 * ln x (NaN for x < 0, -Inf at 0, as IEEE says).
 *
 * @param x - input tensor
 * @returns the natural log, float32
 * @example
 * ```ts
 * log(fromArray([1])).toArray() // [0]
 * ```
 */
export function log(x: Tensor): Tensor {
  return floatUnary('log', 'log', x)
}

/**
 * ln(1 + x), accurate for small |x|.
 *
 * @param x - input tensor
 * @returns log1p(x), float32
 * @example
 * ```ts
 * log1p(fromArray([1e-10])).toArray() // [1e-10]
 * ```
 */
export function log1p(x: Tensor): Tensor {
  return floatUnary('log1p', 'log1p', x)
}

/**
 * eˣ - 1, accurate for small |x|.
 *
 * @param x - input tensor
 * @returns expm1(x), float32
 * @example
 * ```ts
 * expm1(fromArray([1e-10])).toArray() // [1e-10]
 * ```
 */
export function expm1(x: Tensor): Tensor {
  return floatUnary('expm1', 'expm1', x)
}

/**
 * √x.
 *
 * @param x - input tensor
 * @returns the square root, float32
 * @example
 * ```ts
 * sqrt(fromArray([4])).toArray() // [2]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return floatUnary('sqrt', 'sqrt', x)
}

/**
 * 1/√x.
 *
 * @param x - input tensor
 * @returns the reciprocal square root, float32
 * @example
 * ```ts
 * rsqrt(fromArray([4])).toArray() // [0.5]
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  return unaryP('reciprocal', sqrt(x))
}

/**
 * 1/x.
 *
 * @param x - input tensor
 * @returns the reciprocal, float32
 * @example
 * ```ts
 * reciprocal(fromArray([4])).toArray() // [0.25]
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  return floatUnary('reciprocal', 'reciprocal', x)
}

/**
 * x².
 *
 * @param x - input tensor
 * @returns the square, same dtype
 * @example
 * ```ts
 * square(fromArray([3])).toArray() // [9]
 * ```
 */
export function square(x: Tensor): Tensor {
  checkTensor('square', 'x', x)
  return mul(x, x)
}

/**
 * sin x.
 *
 * @param x - input tensor
 * @returns the sine, float32
 * @example
 * ```ts
 * sin(fromArray([0])).toArray() // [0]
 * ```
 */
export function sin(x: Tensor): Tensor {
  return floatUnary('sin', 'sin', x)
}

/**
 * cos x.
 *
 * @param x - input tensor
 * @returns the cosine, float32
 * @example
 * ```ts
 * cos(fromArray([0])).toArray() // [1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  return floatUnary('cos', 'cos', x)
}

/**
 * tanh x; its gradient 1 - tanh² stays finite everywhere.
 *
 * @param x - input tensor
 * @returns the hyperbolic tangent, float32
 * @example
 * ```ts
 * tanh(fromArray([0])).toArray() // [0]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return floatUnary('tanh', 'tanh', x)
}

/**
 * The logistic function σ(x) = 1/(1 + e⁻ˣ), computed as ½(1 + tanh(x/2)) so that neither the
 * value nor the gradient overflows at |x| = 1000.
 *
 * @param x - input tensor
 * @returns σ(x) in [0, 1], float32
 * @example
 * ```ts
 * sigmoid(fromArray([0])).toArray() // [0.5]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', 'x', x)
  return mul(add(tanh(mul(toFloat(x), 0.5)), 1), 0.5)
}

/**
 * softplus(x) = ln(1 + eˣ), computed as max(x, 0) + log1p(e^{-|x|}) (no overflow). Its
 * gradient is σ(x).
 *
 * @param x - input tensor
 * @returns softplus(x) > 0, float32
 * @example
 * ```ts
 * softplus(fromArray([0])).toArray() // [0.6931472]
 * ```
 */
export function softplus(x: Tensor): Tensor {
  checkTensor('softplus', 'x', x)
  const xf = toFloat(x)
  return add(maximum(xf, 0), log1p(exp(neg(abs(xf)))))
}

/**
 * relu(x) = max(x, 0), with gradient 1 for x > 0 and 0 otherwise (0 at the kink).
 *
 * @param x - input tensor
 * @returns the rectified input
 * @example
 * ```ts
 * relu(fromArray([-1, 2])).toArray() // [0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', 'x', x)
  return where(greater(x, 0), x, 0)
}

/**
 * leakyRelu(x) = x for x > 0, else slope·x (Maas et al. 2013).
 *
 * @param x - input tensor
 * @param negativeSlope - slope for x <= 0 (default 0.01)
 * @returns the activation
 * @example
 * ```ts
 * leakyRelu(fromArray([-1, 2]), 0.1).toArray() // [-0.1, 2]
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor('leakyRelu', 'x', x)
  if (!Number.isFinite(negativeSlope)) {
    throw new InvalidArgumentError('leakyRelu', 'negativeSlope', `must be finite, got ${negativeSlope}`)
  }
  const xf = toFloat(x)
  return where(greater(xf, 0), xf, mul(xf, negativeSlope))
}

/**
 * elu(x) = x for x > 0, else α(eˣ - 1) (Clevert et al. 2016). The negative branch uses
 * expm1(min(x, 0)) so that the unused branch never overflows into a NaN gradient.
 *
 * @param x - input tensor
 * @param alpha - scale of the negative branch (default 1)
 * @returns the activation
 * @example
 * ```ts
 * elu(fromArray([0, 1])).toArray() // [0, 1]
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor('elu', 'x', x)
  if (!Number.isFinite(alpha)) throw new InvalidArgumentError('elu', 'alpha', `must be finite, got ${alpha}`)
  const xf = toFloat(x)
  return where(greater(xf, 0), xf, mul(expm1(minimum(xf, 0)), alpha))
}

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016):
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 *
 * @param x - input tensor
 * @returns the activation, float32
 * @example
 * ```ts
 * gelu(fromArray([0])).toArray() // [0]
 * ```
 */
export function gelu(x: Tensor): Tensor {
  checkTensor('gelu', 'x', x)
  const xf = toFloat(x)
  const inner = mul(add(xf, mul(mul(mul(xf, xf), xf), 0.044715)), Math.sqrt(2 / Math.PI))
  return mul(mul(xf, 0.5), add(tanh(inner), 1))
}

/**
 * SiLU (swish): x·σ(x) (Elfwing et al. 2018; Ramachandran et al. 2017).
 *
 * @param x - input tensor
 * @returns the activation, float32
 * @example
 * ```ts
 * silu(fromArray([0])).toArray() // [0]
 * ```
 */
export function silu(x: Tensor): Tensor {
  checkTensor('silu', 'x', x)
  const xf = toFloat(x)
  return mul(xf, sigmoid(xf))
}
