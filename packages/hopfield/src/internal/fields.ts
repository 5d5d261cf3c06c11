// Asynchronous dynamics with cached local fields: flipping unit i changes every field by
// W_ji·Δs_i, so a sweep costs O(N) plus O(N) per flip instead of O(N²).
import type { HopfieldNetwork } from '../network'
import { fieldsOf } from '../network'

/** Mutable working state of one run: spins, their fields, and Wᵀ laid out by rows. */
export interface FieldState {
  readonly n: number
  readonly s: Int8Array
  readonly h: Float64Array
  /** transposed[i * n + j] = W_ji: the column of W read when unit i flips. */
  readonly transposed: Float64Array
  readonly thresholds: Float64Array
}

function isSymmetric(w: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (w[i * n + j] !== w[j * n + i]) return false
  }
  return true
}

/** Starts a run from a checked state (copied). */
export function startFields(network: HopfieldNetwork, state: Int8Array): FieldState {
  const n = network.size
  const s = state.slice()
  let transposed = network.weights
  if (!isSymmetric(network.weights, n)) {
    transposed = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) transposed[i * n + j] = network.weights[j * n + i]
  }
  return { n, s, h: fieldsOf(network, s), transposed, thresholds: network.thresholds }
}

/** Sets unit i to value, updating all fields. */
export function setUnit(fs: FieldState, i: number, value: number): void {
  const delta = value - fs.s[i]
  if (delta === 0) return
  fs.s[i] = value
  const n = fs.n
  const col = fs.transposed
  const h = fs.h
  const base = i * n
  for (let j = 0; j < n; j++) h[j] += col[base + j] * delta
}

/** One zero-temperature asynchronous pass over `order`; s_i = sign(h_i), a zero field keeps s_i. */
export function asyncPass(fs: FieldState, order: ArrayLike<number>): number {
  let flips = 0
  const { s, h } = fs
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    const hi = h[i]
    const target = hi > 0 ? 1 : hi < 0 ? -1 : s[i]
    if (target !== s[i]) {
      setUnit(fs, i, target)
      flips++
    }
  }
  return flips
}

/** One Glauber pass: P(s_i = +1) = 1 / (1 + exp(−2 h_i / T)), one uniform per visit. */
export function glauberPass(
  fs: FieldState,
  order: ArrayLike<number>,
  uniforms: Float64Array,
  temperature: number,
): number {
  let flips = 0
  const { s, h } = fs
  const beta2 = 2 / temperature
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    const up = 1 / (1 + Math.exp(-beta2 * h[i]))
    const target = uniforms[k] < up ? 1 : -1
    if (target !== s[i]) {
      setUnit(fs, i, target)
      flips++
    }
  }
  return flips
}

/** E = −½ Σ s_i h_i + ½ θ·s, from the cached fields (h_i = Σ_j W_ij s_j − θ_i). */
export function cachedEnergy(fs: FieldState): number {
  let sh = 0
  let ts = 0
  for (let i = 0; i < fs.n; i++) {
    sh += fs.s[i] * fs.h[i]
    ts += fs.thresholds[i] * fs.s[i]
  }
  return -0.5 * sh + 0.5 * ts
}
