/**
 * The cpu backend's fused Adam/AdamW step (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter
 * 2019 for the decoupled decay): one pass over m, v, g (and p) instead of about fifteen
 * elementwise ops, each allocating a parameter-sized array. Every intermediate is rounded to
 * float32 (`Math.fround`) exactly where the composed ops of `optim/adam.ts` store one, so the
 * result is bit-identical to the composed path on this backend: each op on float32 values is
 * computed in float64 and rounded once, which gives the correctly rounded float32 result for
 * +, −, ×, ÷ and √ (float64 has more than 2·24 + 2 bits).
 */
import type { AdamStepConstants } from './spec'

/**
 * One Adam step over contiguous float32 arrays of one length.
 *
 * @param arrays - moments m and v, gradient g, and the parameter p (needed when λ > 0)
 * @param k - the step's constants
 * @returns new arrays: the moments and the update
 */
export function adamStepF32(
  arrays: { m: Float32Array; v: Float32Array; g: Float32Array; p?: Float32Array },
  k: AdamStepConstants,
): { m: Float32Array; v: Float32Array; update: Float32Array } {
  const { m, v, g, p } = arrays
  const n = g.length
  const m1 = new Float32Array(n)
  const v1 = new Float32Array(n)
  const update = new Float32Array(n)
  // the scalars as the composed ops see them: float32 tensors
  const b1 = Math.fround(k.beta1)
  const a1 = Math.fround(1 - k.beta1)
  const b2 = Math.fround(k.beta2)
  const a2 = Math.fround(1 - k.beta2)
  const c1 = Math.fround(k.correction1)
  const c2 = Math.fround(k.correction2)
  const eps = Math.fround(k.epsilon)
  const step = Math.fround(-k.rate)
  const lambda = Math.fround(k.weightDecay)
  const decay = k.weightDecay > 0 && p !== undefined ? p : null
  for (let i = 0; i < n; i++) {
    const gi = g[i]
    const mi = Math.fround(Math.fround(m[i] * b1) + Math.fround(gi * a1))
    const vi = Math.fround(Math.fround(v[i] * b2) + Math.fround(Math.fround(gi * gi) * a2))
    m1[i] = mi
    v1[i] = vi
    const root = Math.fround(Math.sqrt(Math.fround(vi / c2)))
    update[i] = Math.fround(Math.fround(mi / c1) / Math.fround(root + eps))
  }
  // update = d·(−η), or (d + p·λ)·(−η) with the decoupled decay
  if (decay === null) for (let i = 0; i < n; i++) update[i] = update[i] * step
  else for (let i = 0; i < n; i++) update[i] = Math.fround(update[i] + Math.fround(decay[i] * lambda)) * step
  return { m: m1, v: v1, update }
}
