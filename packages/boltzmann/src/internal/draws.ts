// Bernoulli draws from keyed float64 uniforms, x_k = 1 when u_k < p_k with
//   u = uniformFloats(key, n, 'float64'),  u_k = ((w_2k >>> 5) · 2^26 + (w_2k+1 >>> 6)) / 2^53
// over the words w = randomBits(key, 2n) (core-tensor's definition). The words come from the
// WebAssembly Philox kernel (sparse-kernels.ts) where it compiles, which gives the same bits as
// core-tensor's JavaScript Philox at a fraction of the cost; the draws are identical either way.
import { uniformFloats, type Key } from '@gen/core-tensor'

import { philoxWords, sparseKernels } from './sparse-kernels'

const TWO_POW_26 = 67108864
const TWO_POW_53 = 9007199254740992

/**
 * x_k = 1 when u_k < p_k, u = uniformFloats(k, p.length, 'float64'): one Bernoulli draw per entry.
 *
 * @internal
 */
export function bernoulliBits(probabilities: ArrayLike<number>, k: Key): Float64Array {
  const n = probabilities.length
  const out = new Float64Array(n)
  const kernels = sparseKernels()
  if (kernels === undefined) {
    const u = uniformFloats(k, n, 'float64')
    for (let i = 0; i < n; i++) out[i] = u[i] < probabilities[i] ? 1 : 0
    return out
  }
  // uniform k takes words 2k and 2k + 1: blocks ⌈n / 2⌉ of four words
  const words = philoxWords(kernels, k, Math.ceil(n / 2))
  // u < p ⇔ u·2^53 < p·2^53, and both products are exact (scaling by a power of 2), so the
  // integer numerator of u is compared without the division
  for (let i = 0; i < n; i++) {
    const numerator = (words[2 * i] >>> 5) * TWO_POW_26 + (words[2 * i + 1] >>> 6)
    out[i] = numerator < probabilities[i] * TWO_POW_53 ? 1 : 0
  }
  return out
}
