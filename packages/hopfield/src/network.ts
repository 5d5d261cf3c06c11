import { InvalidArgumentError } from '@gen/core-tensor'
import {
  checkPositiveInteger,
  describeValue,
  toFiniteVector,
  toPatternList,
  toSpins,
  type SpinLike,
} from './internal/validate'

/**
 * A classic binary Hopfield network on N units with states s ∈ {−1, +1}ᴺ: a plain,
 * serialisable value. The functions of this package never mutate it; storing patterns
 * returns a new network.
 *
 * Shapes: `weights` is N×N, row-major (`weights[i * size + j]` = W_ij); `thresholds` is N.
 *
 * @example
 * ```ts
 * const net = storeHebbian(createNetwork(4), [[1, -1, 1, -1], [1, 1, -1, -1]])
 * net.weights[3] // W_03 = -0.5
 * ```
 */
export interface HopfieldNetwork {
  /** Number of units N. */
  readonly size: number
  /** Couplings W, N×N row-major. Symmetric with a zero diagonal for every learning rule here. */
  readonly weights: Float64Array
  /** Thresholds θ (length N): unit i sees the field h_i = Σ_j W_ij s_j − θ_i. */
  readonly thresholds: Float64Array
  /** Number of patterns stored so far (across all calls). */
  readonly patternCount: number
}

/** Options of {@link createNetwork} and {@link networkFromWeights}. */
export interface NetworkOptions {
  /** Thresholds θ, one per unit; zero when absent. */
  thresholds?: ArrayLike<number>
}

/**
 * Makes an empty network of N units: W = 0, θ = 0 (or the given thresholds).
 *
 * @param size - number of units N, a positive integer
 * @param options - optional thresholds θ of length N
 * @returns a network with no stored pattern
 * @throws InvalidArgumentError when size is not a positive integer or thresholds are not N finite numbers
 * @example
 * ```ts
 * const net = createNetwork(100)
 * ```
 * @see Hopfield, J. J. (1982). Neural networks and physical systems with emergent collective computational abilities. PNAS 79, 2554.
 */
export function createNetwork(size: number, options: NetworkOptions = {}): HopfieldNetwork {
  checkPositiveInteger('createNetwork', 'size', size)
  // the N×N float64 weights must fit one typed array (2^28 entries is 2 GiB)
  if (size > 16384) {
    throw new InvalidArgumentError(
      'createNetwork',
      'size',
      `must be at most 16384 (N² float64 weights), got ${size}`,
    )
  }
  const thresholds =
    options.thresholds === undefined
      ? new Float64Array(size)
      : toFiniteVector('createNetwork', 'thresholds', options.thresholds, size)
  return { size, weights: new Float64Array(size * size), thresholds, patternCount: 0 }
}

/**
 * Makes a network from explicit couplings W (rows of equal length N), e.g. to study dynamics
 * on hand-made weights. W is taken as given: it need not be symmetric, but energy descent under
 * asynchronous updates holds only for symmetric W with a non-negative diagonal.
 *
 * @param weights - N rows of N finite numbers
 * @param options - optional thresholds θ of length N
 * @returns a network with `patternCount` 0
 * @throws InvalidArgumentError when W is not square or holds a non-finite value
 * @example
 * ```ts
 * const flipFlop = networkFromWeights([[0, -1], [-1, 0]])
 * ```
 * @see Hopfield (1982), PNAS 79, 2554.
 */
export function networkFromWeights(
  weights: readonly ArrayLike<number>[],
  options: NetworkOptions = {},
): HopfieldNetwork {
  if (
    weights === null ||
    typeof weights !== 'object' ||
    typeof weights.length !== 'number' ||
    weights.length === 0
  ) {
    throw new InvalidArgumentError(
      'networkFromWeights',
      'weights',
      `must be a non-empty list of rows, got ${describeValue(weights)}`,
    )
  }
  const size = weights.length
  const flat = new Float64Array(size * size)
  for (let i = 0; i < size; i++) {
    flat.set(toFiniteVector('networkFromWeights', `weights[${i}]`, weights[i], size), i * size)
  }
  const thresholds =
    options.thresholds === undefined
      ? new Float64Array(size)
      : toFiniteVector('networkFromWeights', 'thresholds', options.thresholds, size)
  return { size, weights: flat, thresholds, patternCount: 0 }
}

/**
 * Returns a copy of the network with new thresholds θ.
 *
 * @param network - the network
 * @param thresholds - N finite numbers
 * @returns a new network sharing nothing mutable with the old one
 * @throws InvalidArgumentError when thresholds are not N finite numbers
 * @example
 * ```ts
 * const biased = withThresholds(net, new Float64Array(net.size).fill(0.1))
 * ```
 * @see Hopfield (1982), PNAS 79, 2554.
 */
export function withThresholds(network: HopfieldNetwork, thresholds: ArrayLike<number>): HopfieldNetwork {
  return {
    ...network,
    weights: network.weights.slice(),
    thresholds: toFiniteVector('withThresholds', 'thresholds', thresholds, network.size),
  }
}

/**
 * Stores patterns by the Hebbian rule, adding to the weights already there (so two calls equal
 * one call with both patterns, case H10):
 *
 *   W_ij ← W_ij + (1/N) Σ_μ ξ^μ_i ξ^μ_j  for i ≠ j,   W_ii = 0.
 *
 * Capacity for random patterns is about 0.138 N (Amit, Gutfreund and Sompolinsky 1985).
 *
 * @param network - the network (not modified)
 * @param patterns - one ±1 pattern of length N, or a list of them
 * @returns a new network with the patterns added
 * @throws InvalidArgumentError when a pattern has the wrong length or a value other than ±1
 * @example
 * ```ts
 * let net = createNetwork(4)
 * net = storeHebbian(net, [1, -1, 1, -1])
 * net = storeHebbian(net, [1, 1, -1, -1]) // same as storeHebbian(createNetwork(4), [p1, p2])
 * ```
 * @see Hopfield (1982), PNAS 79, 2554, Eq. 2.
 */
export function storeHebbian(
  network: HopfieldNetwork,
  patterns: SpinLike | readonly SpinLike[],
): HopfieldNetwork {
  const n = network.size
  const list = toPatternList('storeHebbian', 'patterns', patterns, n)
  const w = network.weights.slice()
  const scale = 1 / n
  for (const xi of list) {
    for (let i = 0; i < n; i++) {
      const a = xi[i] * scale
      const row = i * n
      for (let j = 0; j < n; j++) w[row + j] += a * xi[j]
    }
  }
  for (let i = 0; i < n; i++) w[i * n + i] = 0
  return {
    ...network,
    weights: w,
    thresholds: network.thresholds.slice(),
    patternCount: network.patternCount + list.length,
  }
}

/**
 * Stores patterns one at a time by Storkey's incremental, local rule, which keeps more
 * patterns than Hebb (about 0.18 N) and suppresses their cross-talk:
 *
 *   W_ij ← W_ij + (1/N)(ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j),   h_ij = Σ_{k≠i,j} W_ik ξ_k,
 *
 * with the diagonal kept at zero. Accumulates across calls like {@link storeHebbian}.
 *
 * @param network - the network (not modified)
 * @param patterns - one ±1 pattern of length N, or a list of them (stored in order)
 * @returns a new network with the patterns added
 * @throws InvalidArgumentError when a pattern has the wrong length or a value other than ±1
 * @example
 * ```ts
 * const net = storeStorkey(createNetwork(100), randomPatterns(key(0), 15, 100))
 * ```
 * @see Storkey, A. (1997). Increasing the capacity of a Hopfield network without sacrificing functionality. ICANN'97, 451–456.
 */
export function storeStorkey(
  network: HopfieldNetwork,
  patterns: SpinLike | readonly SpinLike[],
): HopfieldNetwork {
  const n = network.size
  const list = toPatternList('storeStorkey', 'patterns', patterns, n)
  const w = network.weights.slice()
  const field = new Float64Array(n)
  const scale = 1 / n
  for (const xi of list) {
    // field_i = Σ_k W_ik ξ_k (W_ii = 0), so h_ij = field_i − W_ij ξ_j, all from the old W.
    for (let i = 0; i < n; i++) {
      let sum = 0
      const row = i * n
      for (let k = 0; k < n; k++) sum += w[row + k] * xi[k]
      field[i] = sum
    }
    const old = w.slice()
    for (let i = 0; i < n; i++) {
      const row = i * n
      for (let j = 0; j < n; j++) {
        if (i === j) continue
        const hij = field[i] - old[row + j] * xi[j]
        const hji = field[j] - old[j * n + i] * xi[i]
        w[row + j] = old[row + j] + scale * (xi[i] * xi[j] - xi[i] * hji - hij * xi[j])
      }
    }
  }
  return {
    ...network,
    weights: w,
    thresholds: network.thresholds.slice(),
    patternCount: network.patternCount + list.length,
  }
}

/** Options of {@link pseudoInverseNetwork}. */
export interface PseudoInverseOptions extends NetworkOptions {
  /** Set W_ii = 0 (default true), which keeps energy descent exact; false keeps the full projector. */
  zeroDiagonal?: boolean
}

/**
 * Builds a network by the pseudo-inverse (projection) rule: W is the orthogonal projector onto
 * the span of the patterns,
 *
 *   W = (1/N) Ξ C⁻¹ Ξᵀ,   C_μν = (1/N) ξ^μ · ξ^ν   (Ξ: N×P, C: P×P),
 *
 * so W ξ^μ = ξ^μ exactly and every linearly independent pattern is a fixed point, even
 * correlated ones and at loads where Hebb fails (up to P < N). The rule is global: it sees all
 * patterns at once, so to add patterns call it again with the whole list. With the zero
 * diagonal, h_i = (1 − W_ii) ξ_i still has the sign of ξ_i because W_ii < 1 unless the unit
 * vector e_i lies in the span.
 *
 * @param patterns - P linearly independent ±1 patterns of length N
 * @param options - thresholds, and `zeroDiagonal` (default true)
 * @returns a new network storing the patterns
 * @throws InvalidArgumentError when the patterns are not linearly independent (C is singular)
 * @example
 * ```ts
 * const net = pseudoInverseNetwork(glyphPatterns()) // letters are correlated; Hebb mixes them
 * ```
 * @see Personnaz, Guyon and Dreyfus (1985), J. Physique Lett. 46, L359; Kanter and Sompolinsky (1987), Phys. Rev. A 35, 380.
 */
export function pseudoInverseNetwork(
  patterns: SpinLike | readonly SpinLike[],
  options: PseudoInverseOptions = {},
): HopfieldNetwork {
  const list = toPatternList('pseudoInverseNetwork', 'patterns', patterns)
  const n = list[0].length
  const p = list.length
  const base = createNetwork(n, options)
  // C = Ξᵀ Ξ / N, then its Cholesky factor L (C = L Lᵀ); a tiny pivot means dependent patterns.
  const c = new Float64Array(p * p)
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let dot = 0
      for (let i = 0; i < n; i++) dot += list[a][i] * list[b][i]
      c[a * p + b] = dot / n
      c[b * p + a] = dot / n
    }
  }
  const l = new Float64Array(p * p)
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let sum = c[a * p + b]
      for (let k = 0; k < b; k++) sum -= l[a * p + k] * l[b * p + k]
      if (a === b) {
        if (!(sum > 1e-10)) {
          throw new InvalidArgumentError(
            'pseudoInverseNetwork',
            'patterns',
            `must be linearly independent, got pattern ${a} in the span of patterns 0..${a - 1}`,
          )
        }
        l[a * p + a] = Math.sqrt(sum)
      } else {
        l[a * p + b] = sum / l[b * p + b]
      }
    }
  }
  // Columns of Y = Ξ L⁻ᵀ (N×P) are orthonormal·√N, so W = Y Yᵀ / N.
  const y = new Float64Array(n * p)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      let sum = list[a][i]
      for (let k = 0; k < a; k++) sum -= y[i * p + k] * l[a * p + k]
      y[i * p + a] = sum / l[a * p + a]
    }
  }
  const w = base.weights
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0
      for (let a = 0; a < p; a++) sum += y[i * p + a] * y[j * p + a]
      w[i * n + j] = sum / n
      w[j * n + i] = sum / n
    }
  }
  if (options.zeroDiagonal ?? true) for (let i = 0; i < n; i++) w[i * n + i] = 0
  return { ...base, patternCount: p }
}

/**
 * Energy of a state: E(s) = −½ sᵀ W s + θ · s (Hopfield 1982, Eq. 7). Asynchronous
 * zero-temperature updates never raise it when W is symmetric with a non-negative diagonal.
 *
 * @param network - the network
 * @param state - a ±1 state of length N
 * @returns the energy
 * @throws InvalidArgumentError when the state has the wrong length or a value other than ±1
 * @example
 * ```ts
 * energy(networkFromWeights([[0, -1], [-1, 0]]), [-1, -1]) // +1
 * ```
 * @see Hopfield (1982), PNAS 79, 2554, Eq. 7.
 */
export function energy(network: HopfieldNetwork, state: SpinLike): number {
  const s = toSpins('energy', 'state', state, network.size)
  return energyOf(network, s)
}

/** Energy without validation, for checked Int8Array states. */
export function energyOf(network: HopfieldNetwork, s: Int8Array): number {
  const n = network.size
  const w = network.weights
  let quadratic = 0
  let linear = 0
  for (let i = 0; i < n; i++) {
    let sum = 0
    const row = i * n
    for (let j = 0; j < n; j++) sum += w[row + j] * s[j]
    quadratic += s[i] * sum
    linear += network.thresholds[i] * s[i]
  }
  return -0.5 * quadratic + linear
}

/**
 * Local fields h_i = Σ_j W_ij s_j − θ_i of a state: unit i prefers s_i = sign(h_i).
 *
 * @param network - the network
 * @param state - a ±1 state of length N
 * @returns a Float64Array of N fields
 * @throws InvalidArgumentError when the state has the wrong length or a value other than ±1
 * @example
 * ```ts
 * const h = localFields(net, probe)
 * ```
 * @see Hopfield (1982), PNAS 79, 2554.
 */
export function localFields(network: HopfieldNetwork, state: SpinLike): Float64Array {
  const s = toSpins('localFields', 'state', state, network.size)
  return fieldsOf(network, s)
}

/** Fields without validation, for checked Int8Array states. */
export function fieldsOf(network: HopfieldNetwork, s: Int8Array): Float64Array {
  const n = network.size
  const w = network.weights
  const h = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = -network.thresholds[i]
    const row = i * n
    for (let j = 0; j < n; j++) sum += w[row + j] * s[j]
    h[i] = sum
  }
  return h
}
