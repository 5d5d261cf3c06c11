// The inner loop of AIS for a Bernoulli RBM (Neal 2001; Salakhutdinov & Murray 2008, §3.2).
// Intermediate distributions between the base-rate model A (visible biases b^A only) and the
// RBM B = (W, b, c), with the hidden units summed out:
//
//   f_β(v) = ln p*_β(v) = (1 − β) b^Aᵀv + β bᵀv + Σ_j softplus(β a_j(v)),   a(v) = c + vᵀW
//
// f_0 is A with H free hidden units (Z_0 = 2^H Π_i (1 + e^{b^A_i})), f_1 is B's −F(v). Gibbs at β:
//   h_j ~ Bern(σ(β a_j(v))),   v_i ~ Bern(σ((1 − β) b^A_i + β (b_i + W_{i,:} h)))
// Along a sequence γ_0, …, γ_K from a start state v ~ p_{γ_0}:
//   ln w = Σ_{k=1..K} [f_{γ_k}(v_{k−1}) − f_{γ_{k−1}}(v_{k−1})],   v_k ~ T_{γ_k}(v_{k−1})
// and E[w] = Z_{γ_K} / Z_{γ_0}. Forward AIS runs γ = β (0 → 1) from A's exact samples;
// reverse AIS runs γ reversed (1 → 0) from samples of B.
//
// Speed: v and h are binary, so the fields a = c + vᵀW and b + W h change only by the rows of W
// (or Wᵀ) of the units that flipped since the last step: cost O(flips(v)·H + flips(h)·V) per
// step instead of O(2·V·H). Near β = 1 a trained RBM's chains flip few units per step.
// Σ_j softplus(x_j) = Σ_j max(x_j, 0) + ln Π_j (1 + e^{−|x_j|}) needs one exp per unit and one
// log per sum (the product is at most 2^H, finite for H ≤ 1000 per block); e^{−|x|} also gives
// σ(x), so the Gibbs draw of h reuses it.
import { fold, uniformFloats, type Key } from '@gen/core-tensor'

import type { Rbm } from '../rbm'

/** Steps whose uniforms are drawn in one call (per run). */
const STEPS_PER_DRAW = 32
/** Units per product block of the softplus sum: (1 + e^{−|x|}) ≤ 2, and 2^1000 < 1.8e308. */
const PRODUCT_BLOCK = 1000
/** Steps between recomputations of the fields from scratch. */
const REFRESH_STEPS = 1024

export interface AnnealingInputs {
  readonly rbm: Rbm
  /** b^A [V]. */
  readonly baseVisibleBias: Float64Array
  /** γ_0 … γ_K. */
  readonly gammas: Float64Array
  /** Start states [R, V] of 0/1, one row per run. */
  readonly start: Uint8Array
  readonly numRuns: number
  /** Run r of this call is keyed by fold(key, firstRun + r). */
  readonly firstRun: number
  readonly key: Key
}

/** Returns ln w for each run. */
export function annealLogWeights(inputs: AnnealingInputs): Float64Array {
  const { rbm, baseVisibleBias: bA, gammas, start, numRuns, firstRun, key } = inputs
  const { numVisible: V, numHidden: H, weights: W, visibleBias: b, hiddenBias: c } = rbm
  const K = gammas.length - 1
  // Wᵀ [H, V] so that W h reads contiguous rows
  const WT = new Float64Array(V * H)
  for (let i = 0; i < V; i++) for (let j = 0; j < H; j++) WT[j * V + i] = W[i * H + j]
  const deltaBias = new Float64Array(V)
  for (let i = 0; i < V; i++) deltaBias[i] = b[i] - bA[i]

  const a = new Float64Array(H)
  const e = new Float64Array(H) // e^{−|γ_k a_j|}
  const field = new Float64Array(V)
  const out = new Float64Array(numRuns)

  // Σ_j softplus(β a_j), filling e_j = e^{−|β a_j|} when `keep`
  const softplusSum = (beta: number, keep: boolean): number => {
    let linear = 0
    let total = 0
    let product = 1
    for (let j = 0; j < H; j++) {
      const x = beta * a[j]
      const ex = Math.exp(x > 0 ? -x : x)
      if (x > 0) linear += x
      if (keep) e[j] = ex
      product *= 1 + ex
      if ((j + 1) % PRODUCT_BLOCK === 0) {
        total += Math.log(product)
        product = 1
      }
    }
    return linear + total + Math.log(product)
  }

  const v = new Uint8Array(V)
  const h = new Uint8Array(H)
  // a = c + vᵀW and field = b + W h from scratch (the incremental updates below drift by
  // round-off only, ~1e-16 per flip; a refresh every REFRESH_STEPS steps bounds it anyway)
  const refresh = (): number => {
    a.set(c)
    let linear = 0
    for (let i = 0; i < V; i++) {
      if (v[i] === 0) continue
      linear += deltaBias[i]
      const base = i * H
      for (let j = 0; j < H; j++) a[j] += W[base + j]
    }
    field.set(b)
    for (let j = 0; j < H; j++) {
      if (h[j] === 0) continue
      const base = j * V
      for (let i = 0; i < V; i++) field[i] += WT[base + i]
    }
    return linear
  }

  for (let r = 0; r < numRuns; r++) {
    const runKey = fold(key, firstRun + r)
    for (let i = 0; i < V; i++) v[i] = start[r * V + i]
    h.fill(0)
    let linear = refresh() // (b − b^A)ᵀv
    let logW = 0
    let uniforms: Float32Array = new Float32Array(0)
    for (let k = 1; k <= K; k++) {
      const gPrev = gammas[k - 1]
      const g = gammas[k]
      logW += (g - gPrev) * linear + softplusSum(g, k < K) - softplusSum(gPrev, false)
      if (k === K) break
      const slot = (k - 1) % STEPS_PER_DRAW
      if (slot === 0) {
        uniforms = uniformFloats(fold(runKey, (k - 1) / STEPS_PER_DRAW), STEPS_PER_DRAW * (H + V))
      }
      let u = slot * (H + V)
      // h_j ~ Bern(σ(g a_j)), σ(x) = 1/(1 + e^{−x}) from e_j = e^{−|x|}; only flipped units move the field
      for (let j = 0; j < H; j++) {
        const p = a[j] >= 0 ? 1 / (1 + e[j]) : e[j] / (1 + e[j])
        const next = uniforms[u++] < p ? 1 : 0
        if (next === h[j]) continue
        h[j] = next
        const base = j * V
        if (next === 1) for (let i = 0; i < V; i++) field[i] += WT[base + i]
        else for (let i = 0; i < V; i++) field[i] -= WT[base + i]
      }
      // v_i ~ Bern(σ((1 − g) b^A_i + g (b_i + W_{i,:} h))); flipped pixels move a and (b − b^A)ᵀv
      for (let i = 0; i < V; i++) {
        const x = (1 - g) * bA[i] + g * field[i]
        let p: number
        if (x >= 0) {
          p = 1 / (1 + Math.exp(-x))
        } else {
          const ex = Math.exp(x)
          p = ex / (1 + ex)
        }
        const next = uniforms[u++] < p ? 1 : 0
        if (next === v[i]) continue
        v[i] = next
        const base = i * H
        if (next === 1) {
          linear += deltaBias[i]
          for (let j = 0; j < H; j++) a[j] += W[base + j]
        } else {
          linear -= deltaBias[i]
          for (let j = 0; j < H; j++) a[j] -= W[base + j]
        }
      }
      if (k % REFRESH_STEPS === 0) linear = refresh()
    }
    out[r] = logW
  }
  return out
}
