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
// Speed: the M runs advance together, so each temperature costs two dense products on the
// backend, a = c + v W [M, H] and b + h Wᵀ [M, V] (core-tensor matmul; the cpu
// backend's float32 WebAssembly SIMD kernel), and float64 loops for the rest. Run m keeps its
// own uniforms (fold(fold(key, m), block), STEPS_PER_DRAW steps of H + V each), so results do
// not depend on how the runs are split over calls.
// Σ_j softplus(x_j) = Σ_j max(x_j, 0) + ln Π_j (1 + e^{−|x_j|}) needs one exp per unit and one
// log per sum (the product is at most 2^H, finite for H ≤ 1000 per block); e^{−|x|} also gives
// σ(x), so the Gibbs draw of h reuses it.
import { fold, uniformFloats, type BackendV1, type Key } from '@gen/core-tensor'

import { weightProducts } from '../internal/products'
import type { Rbm } from '../rbm'

/** Steps whose uniforms are drawn in one call (per run). */
const STEPS_PER_DRAW = 32
/** Units per product block of the softplus sum: (1 + e^{−|x|}) ≤ 2, and 2^1000 < 1.8e308. */
const PRODUCT_BLOCK = 1000

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
  /** Backend of the products. */
  readonly backend: BackendV1
}

/** Returns ln w for each run. */
export function annealLogWeights(inputs: AnnealingInputs): Float64Array {
  const { rbm, baseVisibleBias: bA, gammas, start, numRuns: R, firstRun, key } = inputs
  const { numVisible: V, numHidden: H, visibleBias: b, hiddenBias: c } = rbm
  const K = gammas.length - 1
  const deltaBias = new Float64Array(V)
  for (let i = 0; i < V; i++) deltaBias[i] = b[i] - bA[i]
  const runKeys = Array.from({ length: R }, (_, r) => fold(key, firstRun + r))

  const e = new Float64Array(R * H) // e^{−|γ_k a_j|} of each run
  const out = new Float64Array(R)
  const v = new Float64Array(R * V)
  for (let q = 0; q < R * V; q++) v[q] = start[q]
  const h = new Float64Array(R * H)
  const uniforms: Float32Array[] = new Array<Float32Array>(R)

  // Σ_j softplus(β a_j) of run r (a = c + vW without c: `field`), filling e when `keep`
  const softplusSum = (field: ArrayLike<number>, r: number, beta: number, keep: boolean): number => {
    let linear = 0
    let total = 0
    let product = 1
    for (let j = 0; j < H; j++) {
      const x = beta * (c[j] + field[r * H + j])
      const ex = Math.exp(x > 0 ? -x : x)
      if (x > 0) linear += x
      if (keep) e[r * H + j] = ex
      product *= 1 + ex
      if ((j + 1) % PRODUCT_BLOCK === 0) {
        total += Math.log(product)
        product = 1
      }
    }
    return linear + total + Math.log(product)
  }

  const products = weightProducts(rbm.weights, rbm, inputs.backend)
  try {
    for (let k = 1; k <= K; k++) {
      const gPrev = gammas[k - 1]
      const g = gammas[k]
      const a = products.right(v, R)
      for (let r = 0; r < R; r++) {
        let linear = 0 // (b − b^A)ᵀv
        for (let i = 0; i < V; i++) if (v[r * V + i] !== 0) linear += deltaBias[i]
        out[r] += (g - gPrev) * linear + softplusSum(a, r, g, k < K) - softplusSum(a, r, gPrev, false)
      }
      if (k === K) break
      const slot = (k - 1) % STEPS_PER_DRAW
      if (slot === 0) {
        for (let r = 0; r < R; r++) {
          uniforms[r] = uniformFloats(fold(runKeys[r], (k - 1) / STEPS_PER_DRAW), STEPS_PER_DRAW * (H + V))
        }
      }
      // h_j ~ Bern(σ(g a_j)), σ(x) = 1/(1 + e^{−x}) from e_j = e^{−|x|}
      for (let r = 0; r < R; r++) {
        const u = uniforms[r]
        const base = slot * (H + V)
        for (let j = 0; j < H; j++) {
          const ex = e[r * H + j]
          const p = c[j] + a[r * H + j] >= 0 ? 1 / (1 + ex) : ex / (1 + ex)
          h[r * H + j] = u[base + j] < p ? 1 : 0
        }
      }
      // v_i ~ Bern(σ((1 − g) b^A_i + g (b_i + W_{i,:} h)))
      const field = products.left(h, R)
      for (let r = 0; r < R; r++) {
        const u = uniforms[r]
        const base = slot * (H + V) + H
        for (let i = 0; i < V; i++) {
          const x = (1 - g) * bA[i] + g * (b[i] + field[r * V + i])
          let p: number
          if (x >= 0) {
            p = 1 / (1 + Math.exp(-x))
          } else {
            const ex = Math.exp(x)
            p = ex / (1 + ex)
          }
          v[r * V + i] = u[base + i] < p ? 1 : 0
        }
      }
    }
  } finally {
    products.dispose()
  }
  return out
}
