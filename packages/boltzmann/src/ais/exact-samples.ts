// Exact samples of a small RBM, the start states that make reverse AIS's bound hold. Two walks
// over the 2^n states of the smaller layer (src/rbm.ts): the first sums Z, the second meets
// `count` sorted uniforms on the cumulative distribution (inverse-CDF sampling, no 2^n buffer).
// The other layer is then drawn from its exact conditional, so each (v, h) is a draw of p(v, h).
import { InvalidArgumentError, checkOptions, fold, uniformFloats, type Key } from '@gen/core-tensor'

import { MAX_RBM_ENUMERATED_UNITS, rbmLogPartition, walkSmallerLayer, type Rbm } from '../rbm'
import { checkPositiveInteger, sigmoid } from '../internal/numeric'

/**
 * Exact independent samples v ~ p(v) of an RBM whose smaller layer has at most
 * {@link MAX_RBM_ENUMERATED_UNITS} units, by inverse-CDF sampling over that layer's 2^n states
 * and then the exact conditional of the other layer.
 *
 * @param rbm - the RBM, with min(V, H) ≤ 25
 * @param options - `count` samples and the `key` (the uniforms of sample m: `fold(key, 0)` for the
 *   layer state, `fold(key, 1)` for the conditional draws)
 * @returns Float64Array [count, V] of 0/1, in a random order
 * @throws InvalidArgumentError when count is not a positive integer or both layers are too large
 * @example
 * ```ts
 * const samples = rbmExactSamples(rbm, { count: 100, key: key(4) }) // [100, V]
 * ```
 */
export function rbmExactSamples(
  rbm: Rbm,
  options: { readonly count: number; readonly key: Key },
): Float64Array {
  const op = 'rbmExactSamples'
  checkOptions(op, options)
  const { count, key } = options
  checkPositiveInteger(op, 'count', count)
  const logZ = rbmLogPartition(rbm) // checks the RBM and the enumeration limit
  const { numVisible: V, numHidden: H } = rbm
  if (Math.min(V, H) > MAX_RBM_ENUMERATED_UNITS) {
    throw new InvalidArgumentError(
      op,
      'rbm',
      `must have a layer of at most ${MAX_RBM_ENUMERATED_UNITS} units`,
    )
  }
  const targets = uniformFloats(fold(key, 0), count, 'float64')
  const order = Array.from({ length: count }, (_, m) => m).sort((x, y) => targets[x] - targets[y])
  const conditional = uniformFloats(fold(key, 1), count * Math.max(V, H), 'float64')
  const out = new Float64Array(count * V)
  let next = 0
  let cumulative = 0
  const emit = (m: number, x: Uint8Array, field: Float64Array, side: 'visible' | 'hidden'): void => {
    const u = conditional.subarray(m * Math.max(V, H))
    if (side === 'visible') {
      for (let i = 0; i < V; i++) out[m * V + i] = x[i]
    } else {
      // x = h; field = b + W h, so v_i ~ Bern(σ(field_i))
      for (let i = 0; i < V; i++) out[m * V + i] = u[i] < sigmoid(field[i]) ? 1 : 0
    }
  }
  let last: { x: Uint8Array; field: Float64Array } | undefined
  const side = V <= H ? 'visible' : 'hidden'
  walkSmallerLayer(rbm, (x, field, logWeight) => {
    cumulative += Math.exp(logWeight - logZ)
    while (next < count && targets[order[next]] < cumulative) emit(order[next++], x, field, side)
    last = { x: x.slice(), field: field.slice() }
  })
  // round-off can leave the top few uniforms above the final cumulative sum (≈ 1): the last state
  while (next < count && last !== undefined) emit(order[next++], last.x, last.field, side)
  return out
}
