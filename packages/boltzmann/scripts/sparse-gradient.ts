// CD-k and PCD gradients for binary data that skip the zeros of binary operands, with exactly
// the arithmetic of src/rbm.ts (rbmContrastiveDivergence / rbmPersistentContrastiveDivergence):
// the same uniform layout (Gibbs step t: hidden uniforms fold(key, 2t) [rows·H], visible
// uniforms fold(key, 2t + 1) [rows·V], float64), the same summation order, so the results are
// bit-identical for 0/1 data. What it saves: a = c + vᵀW sums only the rows of the on pixels
// (rbm.ts does that too), b + W h sums only the on hidden units (rbm.ts multiplies by every
// h_j), and the data's hidden probabilities are computed once instead of twice.
// Legend: W [V, H] row-major, v rows [rows, V], h and p rows [rows, H].
import { fold, uniformFloats, type Key } from '@gen/core-tensor'
import type { Rbm, RbmGradient } from '../src/index'

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

/** p = σ(c + vᵀW) for each 0/1 row of v. */
function hiddenProbabilities(rbm: Rbm, v: Float64Array, rows: number): Float64Array {
  const { numVisible: V, numHidden: H, weights: W, hiddenBias: c } = rbm
  const out = new Float64Array(rows * H)
  const field = new Float64Array(H)
  for (let r = 0; r < rows; r++) {
    field.set(c)
    for (let i = 0; i < V; i++) {
      if (v[r * V + i] === 0) continue
      const base = i * H
      for (let j = 0; j < H; j++) field[j] += W[base + j]
    }
    for (let j = 0; j < H; j++) out[r * H + j] = sigmoid(field[j])
  }
  return out
}

/** One block-Gibbs step from v with hidden probabilities p (of v): returns the new v (0/1). */
function gibbsStep(
  rbm: Rbm,
  p: Float64Array,
  rows: number,
  keys: { hidden: Key; visible: Key },
): Float64Array {
  const { numVisible: V, numHidden: H, weights: W, visibleBias: b } = rbm
  const uh = uniformFloats(keys.hidden, rows * H, 'float64')
  const uv = uniformFloats(keys.visible, rows * V, 'float64')
  const out = new Float64Array(rows * V)
  const on = new Int32Array(H)
  for (let r = 0; r < rows; r++) {
    let n = 0
    for (let j = 0; j < H; j++) if (uh[r * H + j] < p[r * H + j]) on[n++] = j
    for (let i = 0; i < V; i++) {
      let a = b[i]
      const base = i * H
      for (let k = 0; k < n; k++) a += W[base + on[k]]
      out[r * V + i] = uv[r * V + i] < sigmoid(a) ? 1 : 0
    }
  }
  return out
}

/** Adds sign/rows · (vᵀp, Σ v, Σ p) over the on entries of 0/1 rows v. */
function addPhase(
  rbm: Rbm,
  phase: { v: Float64Array; p: Float64Array; rows: number },
  sign: number,
  out: RbmGradient,
): void {
  const { numVisible: V, numHidden: H } = rbm
  const scale = sign / phase.rows
  for (let r = 0; r < phase.rows; r++) {
    for (let i = 0; i < V; i++) {
      if (phase.v[r * V + i] === 0) continue
      out.visibleBias[i] += scale
      const base = i * H
      for (let j = 0; j < H; j++) out.weights[base + j] += scale * phase.p[r * H + j]
    }
    for (let j = 0; j < H; j++) out.hiddenBias[j] += scale * phase.p[r * H + j]
  }
}

/**
 * CD-k (chains = undefined: the chains start at the data) or PCD (chains given) gradient of
 * 0/1 data. Returns the ascent direction and the chains' final states.
 */
export function sparseGradient(
  rbm: Rbm,
  data: Float64Array,
  options: { readonly chains?: Float64Array; readonly key: Key; readonly numSteps: number },
): { readonly gradient: RbmGradient; readonly negative: Float64Array } {
  const { numVisible: V, numHidden: H } = rbm
  const rows = data.length / V
  const p0 = hiddenProbabilities(rbm, data, rows)
  let v = options.chains ?? data
  const chainRows = v.length / V
  let p = options.chains === undefined ? p0 : hiddenProbabilities(rbm, v, chainRows)
  for (let t = 0; t < options.numSteps; t++) {
    v = gibbsStep(rbm, p, chainRows, {
      hidden: fold(options.key, 2 * t),
      visible: fold(options.key, 2 * t + 1),
    })
    p = hiddenProbabilities(rbm, v, chainRows)
  }
  const gradient: RbmGradient = {
    weights: new Float64Array(V * H),
    visibleBias: new Float64Array(V),
    hiddenBias: new Float64Array(H),
  }
  addPhase(rbm, { v: data, p: p0, rows }, 1, gradient)
  addPhase(rbm, { v, p, rows: chainRows }, -1, gradient)
  return { gradient, negative: v }
}
