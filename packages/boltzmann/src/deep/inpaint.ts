// Conditional sampling in a Bernoulli RBM: clamp the known visible units and Gibbs-sample the
// rest (inpainting). Alternating h ~ p(h | v) and v_free ~ p(v_free | h) with the clamped units
// held fixed is block Gibbs sampling of p(v_free, h | v_clamped), so its stationary law is the
// exact conditional p(v_free | v_clamped) ∝ exp(−F(v)) (Geman & Geman 1984).
import { checkOptions, fold, InvalidArgumentError, uniformFloats, type Key } from '@gen/core-tensor'

import { checkNonNegativeInteger, checkPositiveInteger } from '../internal/numeric'
import type { Rbm } from '../rbm'
import {
  bernoulliDraw,
  checkRbmShape,
  checkRows,
  hiddenProbabilitiesAt,
  visibleProbabilitiesAt,
} from './internal'

/**
 * Options of {@link rbmInpaint}.
 *
 * @example
 * ```ts
 * const options: RbmInpaintOptions = { key: key(0), numSteps: 100, burnIn: 20 }
 * ```
 */
export interface RbmInpaintOptions {
  /** Key: the free units start as Bernoulli(start) from fold(key, 0); step t draws h from fold(key, 2t + 1) and v from fold(key, 2t + 2). */
  readonly key: Key
  /** Gibbs steps (default 100). */
  readonly numSteps?: number
  /** Steps left out of the averaged `probabilities` (default ⌊numSteps / 5⌋). */
  readonly burnIn?: number
}

/**
 * Inpainting: keeps the units where `mask` is 1 at their values in `visible` and Gibbs-samples
 * the others given them.
 *
 * @param rbm - the RBM
 * @param visible - rows [B, V] in [0, 1]: the clamped units' values (must be 0/1) and the free units' starting probabilities (e.g. 0.5)
 * @param mask - [V] (one mask for every row) or [B, V]: 1 = clamped (known), 0 = free
 * @param options - {@link RbmInpaintOptions}
 * @returns `visible`: the last sample [B, V]; `probabilities`: the Rao–Blackwellised estimate of
 *   p(v_i = 1 | v_clamped), the mean of σ(b_i + W_i h^t) over the steps after burn-in, [B, V]
 *   (clamped units hold their values)
 * @throws InvalidArgumentError for bad shapes, a non-0/1 mask or clamped value, or bad step counts
 * @example
 * ```ts
 * // fill the lower half of 28x28 digits
 * const mask = Float64Array.from({ length: 784 }, (_, i) => (i < 392 ? 1 : 0))
 * const { probabilities } = rbmInpaint(rbm, digits, mask, { key: key(1), numSteps: 200 })
 * ```
 */
export function rbmInpaint(
  rbm: Rbm,
  visible: ArrayLike<number>,
  mask: ArrayLike<number>,
  options: RbmInpaintOptions,
): { readonly visible: Float64Array; readonly probabilities: Float64Array } {
  const op = 'rbmInpaint'
  checkOptions(op, options)
  checkRbmShape(op, rbm)
  const V = rbm.numVisible
  const rows = checkRows(op, 'visible', visible, { width: V })
  if (mask.length !== V && mask.length !== rows * V) {
    throw new InvalidArgumentError(
      op,
      'mask',
      `must have length V = ${V} or B·V = ${rows * V}, got ${mask.length}`,
    )
  }
  const perRow = mask.length === V
  const clamped = (q: number): boolean => mask[perRow ? q % V : q] === 1
  for (let q = 0; q < mask.length; q++) {
    if (mask[q] !== 0 && mask[q] !== 1) {
      throw new InvalidArgumentError(op, 'mask', `must hold only 0 and 1, got ${mask[q]} at index ${q}`)
    }
  }
  for (let q = 0; q < rows * V; q++) {
    if (clamped(q) && visible[q] !== 0 && visible[q] !== 1) {
      throw new InvalidArgumentError(
        op,
        'visible',
        `must be 0 or 1 where mask is 1, got ${visible[q]} at index ${q}`,
      )
    }
  }
  const numSteps = options.numSteps ?? 100
  checkPositiveInteger(op, 'numSteps', numSteps)
  const burnIn = options.burnIn ?? Math.floor(numSteps / 5)
  checkNonNegativeInteger(op, 'burnIn', burnIn)
  if (burnIn >= numSteps) {
    throw new InvalidArgumentError(op, 'burnIn', `must be below numSteps = ${numSteps}, got ${burnIn}`)
  }
  const u0 = uniformFloats(fold(options.key, 0), rows * V, 'float64')
  const v = Float64Array.from({ length: rows * V }, (_, q) =>
    clamped(q) ? visible[q] : u0[q] < visible[q] ? 1 : 0,
  )
  const sum = new Float64Array(rows * V)
  for (let t = 0; t < numSteps; t++) {
    const h = bernoulliDraw(hiddenProbabilitiesAt(rbm, v, rows), fold(options.key, 2 * t + 1))
    const p = visibleProbabilitiesAt(rbm, h, rows)
    const u = uniformFloats(fold(options.key, 2 * t + 2), rows * V, 'float64')
    for (let q = 0; q < rows * V; q++) {
      if (clamped(q)) continue
      v[q] = u[q] < p[q] ? 1 : 0
      if (t >= burnIn) sum[q] += p[q]
    }
  }
  const kept = numSteps - burnIn
  const probabilities = Float64Array.from({ length: rows * V }, (_, q) =>
    clamped(q) ? visible[q] : sum[q] / kept,
  )
  return { visible: v, probabilities }
}
