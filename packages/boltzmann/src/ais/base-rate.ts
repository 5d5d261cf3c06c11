// The base-rate model of AIS (Salakhutdinov & Murray 2008, §3.2): an RBM with no weights and
// no hidden biases whose visible biases are the smoothed log-odds of the data marginals,
//
//   p̂_i = (mean_n v_ni + λ) / (1 + 2λ),   b^A_i = ln p̂_i − ln(1 − p̂_i),
//
// so p_A(v) = Π_i σ(b^A_i)^v_i σ(−b^A_i)^(1−v_i) matches the data's pixel marginals. λ keeps
// never-on pixels at a finite bias (Salakhutdinov's base_rate.m adds 5 pseudo-counts per
// 100 images, λ = 0.05).
import { InvalidArgumentError } from '@gen/core-tensor'

import { checkUnitRows } from '../internal/numeric'

/**
 * Options of {@link baseRateVisibleBiases}.
 *
 * @example
 * ```ts
 * const options: BaseRateOptions = { smoothing: 0.05 }
 * ```
 */
export interface BaseRateOptions {
  /** Pseudo-count fraction λ ≥ 0 added to each marginal (default 0.05). */
  readonly smoothing?: number
}

/**
 * Visible biases of the base-rate model: the smoothed log-odds of each pixel's mean.
 *
 * @param data - [N, V] row-major, entries in [0, 1]
 * @param numVisible - V
 * @param options - {@link BaseRateOptions}
 * @returns Float64Array [V] of biases b^A
 * @throws InvalidArgumentError for a bad layout, entries outside [0, 1], or a negative smoothing;
 *   also when λ = 0 and a pixel is always 0 or always 1 (its bias would be infinite)
 * @example
 * ```ts
 * const baseBias = baseRateVisibleBiases(train.values, 784) // [784]
 * ```
 */
export function baseRateVisibleBiases(
  data: ArrayLike<number>,
  numVisible: number,
  options: BaseRateOptions = {},
): Float64Array {
  const op = 'baseRateVisibleBiases'
  const smoothing = options.smoothing ?? 0.05
  if (!(Number.isFinite(smoothing) && smoothing >= 0)) {
    throw new InvalidArgumentError(op, 'smoothing', `must be a finite number >= 0, got ${smoothing}`)
  }
  if (!(Number.isInteger(numVisible) && numVisible >= 1)) {
    throw new InvalidArgumentError(op, 'numVisible', `must be a positive integer, got ${numVisible}`)
  }
  const rows = checkUnitRows(op, 'data', data, numVisible)
  const mean = new Float64Array(numVisible)
  for (let r = 0; r < rows; r++) for (let i = 0; i < numVisible; i++) mean[i] += data[r * numVisible + i]
  const out = new Float64Array(numVisible)
  for (let i = 0; i < numVisible; i++) {
    const p = (mean[i] / rows + smoothing) / (1 + 2 * smoothing)
    if (!(p > 0 && p < 1)) {
      throw new InvalidArgumentError(
        op,
        'smoothing',
        `must be > 0 when a pixel is constant (pixel ${i} has mean ${mean[i] / rows}), got ${smoothing}`,
      )
    }
    out[i] = Math.log(p) - Math.log1p(-p)
  }
  return out
}
