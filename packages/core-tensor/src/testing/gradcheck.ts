import { reference } from '../backend/reference'
import type { BackendV1 } from '../backend/spec'
import { valueAndGrad } from '../autodiff/grad'
import { GenError } from '../errors'
import { tidy } from '../memory'
import { fromArray, toBackend } from '../ops/creation'
import { castP } from '../primitives'
import { mul } from '../ops/binary'
import { sum } from '../ops/reduce'
import type { Tensor } from '../tensor'

/** Options of `checkGradients`. */
export interface GradCheckOptions {
  /** Step of the central difference (default 1e-6). */
  epsilon?: number
  /** Largest accepted error |ad - fd| / max(1, |fd|) (default 1e-6). */
  tolerance?: number
}

/** Weights that turn a tensor output into a scalar along a fixed, irregular direction. */
function direction(size: number): number[] {
  return Array.from({ length: size }, (_, i) => 0.5 + ((i * 7919) % 13) / 13)
}

/** L(xs) = Σ f(xs) · w for fixed weights w (a directional probe of the full Jacobian). */
function scalarLoss(f: (...xs: Tensor[]) => Tensor) {
  return (xs: Tensor[]): Tensor => {
    const out = f(...xs)
    const w = fromArray(direction(out.size), { shape: out.shape, backend: out.backend })
    return sum(mul(castP(out, 'float32'), w))
  }
}

/**
 * Checks reverse-mode gradients of `f` against central differences
 * (L(x + εeᵢ) - L(x - εeᵢ)) / 2ε, elementwise, on a float64 backend, where
 * L = Σ f(xs)·w for a fixed irregular weight tensor w. Inputs should avoid kinks.
 *
 * @param f - the function of float32 tensors to check
 * @param inputs - the point, tensors on a float64 backend (e.g. `reference`)
 * @param options - epsilon and tolerance
 * @returns the largest error seen
 * @throws GenError naming the input and element whose gradient disagrees
 * @example
 * ```ts
 * checkGradients((x) => exp(x), [fromArray([0.5, 1], { backend: reference })])
 * ```
 */
export function checkGradients(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradCheckOptions = {},
): number {
  const epsilon = options.epsilon ?? 1e-6
  const tolerance = options.tolerance ?? 1e-6
  const loss = scalarLoss(f)
  const backend = inputs[0].backend
  if (backend.floatPrecision !== 64) {
    throw new GenError(`checkGradients: inputs must live on a float64 backend, got ${backend.name}`)
  }
  const { value, grads } = valueAndGrad(loss)(inputs)
  value.dispose()
  let worst = 0
  inputs.forEach((x, k) => {
    const base = Array.from(x.dataSync())
    const analytic = grads[k].dataSync()
    for (let i = 0; i < base.length; i++) {
      const evalAt = (delta: number): number =>
        tidy(() => {
          const values = base.slice()
          values[i] += delta
          const moved = inputs.map((t, j) => (j === k ? fromArray(values, { shape: x.shape, backend }) : t))
          return loss(moved).item()
        })
      const numeric = (evalAt(epsilon) - evalAt(-epsilon)) / (2 * epsilon)
      const error = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric))
      worst = Math.max(worst, error)
      if (!(error <= tolerance)) {
        throw new GenError(
          `checkGradients: gradient of input ${k} at flat index ${i} must match central differences within ${tolerance}, got ${analytic[i]} and ${numeric}`,
        )
      }
    }
  })
  for (const g of grads) g.dispose()
  return worst
}

/**
 * Gradients of L = Σ f(xs)·w on `backend`, returned as plain arrays, for comparing a backend's
 * gradients with the reference backend's (STYLE.md §8: GPU and float32 backends are checked
 * against the float64 oracle, not against finite differences).
 *
 * @param f - the function
 * @param values - input values as nested arrays / typed arrays with shapes
 * @param backend - where to compute
 * @returns one flat Float64Array per input
 * @example
 * ```ts
 * gradientsOn((x) => exp(x), [{ values: [1, 2], shape: [2] }], cpu)
 * ```
 */
export function gradientsOn(
  f: (...xs: Tensor[]) => Tensor,
  values: readonly { values: ArrayLike<number>; shape: readonly number[] }[],
  backend: BackendV1 = reference,
): Float64Array[] {
  return tidy(() => {
    const inputs = values.map((v) => fromArray(v.values, { shape: v.shape, backend }))
    const { grads } = valueAndGrad(scalarLoss(f))(inputs)
    return grads.map((g) => Float64Array.from(toBackend(g, backend).dataSync()))
  })
}

/**
 * `gradientsOn` for backends without a synchronous read (GPU backends): the gradients are
 * computed on `backend` and read with `await data()`.
 *
 * @param f - the function
 * @param values - input values as nested arrays / typed arrays with shapes
 * @param backend - where to compute
 * @returns one flat Float64Array per input
 * @example
 * ```ts
 * await gradientsRead((x) => exp(x), [{ values: [1, 2], shape: [2] }], gpu)
 * ```
 */
export async function gradientsRead(
  f: (...xs: Tensor[]) => Tensor,
  values: readonly { values: ArrayLike<number>; shape: readonly number[] }[],
  backend: BackendV1,
): Promise<Float64Array[]> {
  const grads = tidy(() => {
    const inputs = values.map((v) => fromArray(v.values, { shape: v.shape, backend }))
    return valueAndGrad(scalarLoss(f))(inputs).grads
  })
  try {
    return await Promise.all(grads.map(async (g) => Float64Array.from(await g.data())))
  } finally {
    for (const g of grads) g.dispose()
  }
}
