// General Boltzmann machine (Ackley, Hinton & Sejnowski 1985) on binary units x ∈ {0,1}^n,
// visible units first (0..V−1), hidden units after (V..n−1).
//
//   E(x) = −Σ_{i<j} w_ij x_i x_j − Σ_i b_i x_i,   P_T(x) = exp(−E(x)/T) / Z_T
//
// Matrices are row-major Float64Arrays: weights and connectivity are [n, n] (entry i*n + j),
// symmetric with a zero diagonal. A state index s ∈ [0, 2^n) has unit i on when bit i is set,
// so the visible pattern of s is s mod 2^V and its hidden pattern is floor(s / 2^V).
import { checkOptions, fold, InvalidArgumentError, uniformFloats, type Key } from '@gen/core-tensor'

import {
  checkBinaryRows,
  checkFiniteArray,
  checkNonNegativeNumber,
  checkPositiveInteger,
  checkPositiveNumber,
  logSumExp,
  lowestBit,
} from './internal/numeric'

/**
 * Largest network (visible + hidden units) that exact enumeration accepts: 2^22 states.
 *
 * @example
 * ```ts
 * const exact = numVisible + numHidden <= MAX_ENUMERATED_UNITS
 * ```
 */
export const MAX_ENUMERATED_UNITS = 22

/**
 * Configuration of a general Boltzmann machine: unit counts and which pairs are connected.
 *
 * @example
 * ```ts
 * const config: BoltzmannMachineConfig = { numVisible: 3, numHidden: 3 }
 * ```
 */
export interface BoltzmannMachineConfig {
  /** Number of visible units V (≥ 1). */
  readonly numVisible: number
  /** Number of hidden units H (≥ 0). */
  readonly numHidden: number
  /**
   * Optional 0/1 mask, row-major [n, n] with n = V + H, symmetric with a zero diagonal: which
   * pairs carry a weight. Default: every pair of distinct units is connected.
   */
  readonly connectivity?: ArrayLike<number>
}

/**
 * Parameters of a general Boltzmann machine: a plain object of Float64Arrays.
 *
 * Shapes, with n = numVisible + numHidden: `weights` [n, n] symmetric, zero diagonal and zero
 * wherever `connectivity` is 0; `biases` [n]; `connectivity` [n, n] of 0/1.
 *
 * @example
 * ```ts
 * const machine = initBoltzmannMachine({ numVisible: 3, numHidden: 0 }, { key: key(0) })
 * machine.weights[0 * 3 + 1] === machine.weights[1 * 3 + 0] // true: symmetric
 * ```
 */
export interface BoltzmannMachine {
  readonly numVisible: number
  readonly numHidden: number
  /** Symmetric weights w_ij, row-major [n, n], zero diagonal. */
  readonly weights: Float64Array
  /** Biases b_i, [n]. */
  readonly biases: Float64Array
  /** 0/1 mask of connected pairs, row-major [n, n]. */
  readonly connectivity: Uint8Array
}

/**
 * A distribution over visible patterns: N patterns, row-major [N, V] of 0/1, with optional
 * probabilities [N] (non-negative, summing to 1; default uniform 1/N).
 *
 * @example
 * ```ts
 * // 3-bit parity: the four even-parity patterns, each with probability 1/4
 * const parity: VisibleDistribution = { patterns: [0,0,0, 0,1,1, 1,0,1, 1,1,0] }
 * ```
 */
export interface VisibleDistribution {
  /** Row-major [N, V] 0/1 patterns. */
  readonly patterns: ArrayLike<number>
  /** Probabilities [N], default uniform. */
  readonly probabilities?: ArrayLike<number>
}

/**
 * Checks a Boltzmann machine configuration and returns its unit count n = V + H.
 *
 * @param config - the configuration
 * @returns n, the number of units
 * @throws InvalidArgumentError naming the field (counts not integers, mask of the wrong length,
 *   not 0/1, not symmetric, or with a non-zero diagonal)
 * @example
 * ```ts
 * validateBoltzmannMachineConfig({ numVisible: 4, numHidden: 2 }) // 6
 * ```
 */
export function validateBoltzmannMachineConfig(config: BoltzmannMachineConfig): number {
  const op = 'validateBoltzmannMachineConfig'
  checkPositiveInteger(op, 'numVisible', config.numVisible, 30)
  if (
    !Number.isInteger(config.numHidden) ||
    config.numHidden < 0 ||
    config.numVisible + config.numHidden > 30
  ) {
    throw new InvalidArgumentError(
      op,
      'numHidden',
      `must be an integer >= 0 with numVisible + numHidden <= 30, got ${config.numHidden}`,
    )
  }
  const n = config.numVisible + config.numHidden
  const mask = config.connectivity
  if (mask !== undefined) {
    if (mask.length !== n * n) {
      throw new InvalidArgumentError(
        op,
        'connectivity',
        `must have length n*n = ${n * n}, got ${mask.length}`,
      )
    }
    for (let i = 0; i < n; i++) {
      if (mask[i * n + i] !== 0) {
        throw new InvalidArgumentError(
          op,
          'connectivity',
          `must have a zero diagonal, got ${mask[i * n + i]} at (${i}, ${i})`,
        )
      }
      for (let j = 0; j < n; j++) {
        const m = mask[i * n + j]
        if (m !== 0 && m !== 1) {
          throw new InvalidArgumentError(
            op,
            'connectivity',
            `must hold only 0 and 1, got ${m} at (${i}, ${j})`,
          )
        }
        if (m !== mask[j * n + i]) {
          throw new InvalidArgumentError(
            op,
            'connectivity',
            `must be symmetric, got ${m} at (${i}, ${j}) and ${mask[j * n + i]} at (${j}, ${i})`,
          )
        }
      }
    }
  }
  return n
}

/**
 * Options of {@link initBoltzmannMachine}.
 *
 * @example
 * ```ts
 * const options: InitBoltzmannMachineOptions = { key: key(1), initScale: 0.1 }
 * ```
 */
export interface InitBoltzmannMachineOptions {
  /** Key of the initial weights. */
  readonly key: Key
  /**
   * Weights start as w_ij ~ U(−initScale, initScale) on connected pairs (default 1). A small
   * scale starts near the symmetric saddle, where hidden units of a parity net stay identical
   * and the KL stays at ln 2 (case P20).
   */
  readonly initScale?: number
}

/**
 * Makes a Boltzmann machine with weights w_ij = w_ji ~ U(−s, s) on connected pairs and zero
 * biases (Ackley, Hinton & Sejnowski 1985).
 *
 * @param config - unit counts and optional connectivity mask
 * @param options - `key`, and `initScale` s (default 1)
 * @returns a new {@link BoltzmannMachine}
 * @throws InvalidArgumentError for a bad config or initScale < 0
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * const machine = initBoltzmannMachine({ numVisible: 3, numHidden: 3 }, { key: key(7) })
 * ```
 */
export function initBoltzmannMachine(
  config: BoltzmannMachineConfig,
  options: InitBoltzmannMachineOptions,
): BoltzmannMachine {
  checkOptions('initBoltzmannMachine', options)
  const n = validateBoltzmannMachineConfig(config)
  const scale = options.initScale ?? 1
  checkNonNegativeNumber('initBoltzmannMachine', 'initScale', scale)
  const connectivity = new Uint8Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      connectivity[i * n + j] =
        config.connectivity === undefined ? (i === j ? 0 : 1) : config.connectivity[i * n + j]
    }
  }
  const u = uniformFloats(options.key, n * n, 'float64')
  const weights = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (connectivity[i * n + j] === 0) continue
      const w = scale * (2 * u[i * n + j] - 1)
      weights[i * n + j] = w
      weights[j * n + i] = w
    }
  }
  return {
    numVisible: config.numVisible,
    numHidden: config.numHidden,
    weights,
    biases: new Float64Array(n),
    connectivity,
  }
}

/**
 * Connectivity of the encoder problems of Ackley, Hinton & Sejnowski (1985): visible groups V1
 * and V2 of `groupSize` units each and `numHidden` hidden units. V1 and V2 each connect to every
 * hidden unit and within themselves; V1 and V2 are not connected to each other, so the
 * information must pass through the hidden units; hidden units are not connected to each other.
 *
 * Unit order: V1 = 0..g−1, V2 = g..2g−1, hidden = 2g..2g+H−1.
 *
 * @param groupSize - units per visible group g (4 for the 4-2-4 encoder)
 * @param numHidden - hidden units H (2 for the 4-2-4 encoder)
 * @returns a 0/1 mask, row-major [n, n] with n = 2g + H
 * @throws InvalidArgumentError when a count is not a positive integer
 * @example
 * ```ts
 * const config = { numVisible: 8, numHidden: 2, connectivity: encoderConnectivity(4, 2) }
 * ```
 */
export function encoderConnectivity(groupSize: number, numHidden: number): Uint8Array {
  checkPositiveInteger('encoderConnectivity', 'groupSize', groupSize, 14)
  checkPositiveInteger('encoderConnectivity', 'numHidden', numHidden, 30)
  const n = 2 * groupSize + numHidden
  const group = (i: number): number => (i < groupSize ? 0 : i < 2 * groupSize ? 1 : 2)
  const mask = new Uint8Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue
      const a = group(i)
      const b = group(j)
      // within V1, within V2, and visible–hidden; never V1–V2 and never hidden–hidden
      if ((a === b && a !== 2) || (a === 2) !== (b === 2)) mask[i * n + j] = 1
    }
  }
  return mask
}

/**
 * The training distribution of the g-H-g encoder: g patterns, pattern k has unit k of V1 and
 * unit k of V2 on and every other visible unit off, each with probability 1/g.
 *
 * @param groupSize - g
 * @returns the {@link VisibleDistribution} over the 2g visible units
 * @throws InvalidArgumentError when groupSize is not a positive integer
 * @example
 * ```ts
 * const data = encoderPatterns(4) // 4 patterns of 8 bits
 * ```
 */
export function encoderPatterns(groupSize: number): VisibleDistribution {
  checkPositiveInteger('encoderPatterns', 'groupSize', groupSize, 14)
  const v = 2 * groupSize
  const patterns = new Float64Array(groupSize * v)
  for (let k = 0; k < groupSize; k++) {
    patterns[k * v + k] = 1
    patterns[k * v + groupSize + k] = 1
  }
  return { patterns }
}

/**
 * The n-bit parity data: the 2^(n−1) patterns with an even number of ones, uniform. Pairwise
 * statistics of this distribution equal those of the uniform distribution, so a Boltzmann
 * machine without hidden units cannot do better than KL = ln 2.
 *
 * @param numBits - n, 2..20
 * @returns the {@link VisibleDistribution}
 * @throws InvalidArgumentError when numBits is out of range
 * @example
 * ```ts
 * const data = parityPatterns(3) // 000, 011, 101, 110
 * ```
 */
export function parityPatterns(numBits: number): VisibleDistribution {
  checkPositiveInteger('parityPatterns', 'numBits', numBits, 20)
  const rows: number[] = []
  for (let s = 0; s < 1 << numBits; s++) {
    let ones = 0
    for (let i = 0; i < numBits; i++) ones += (s >>> i) & 1
    if (ones % 2 === 0) for (let i = 0; i < numBits; i++) rows.push((s >>> i) & 1)
  }
  return { patterns: Float64Array.from(rows) }
}

function unitCount(machine: BoltzmannMachine): number {
  return machine.numVisible + machine.numHidden
}

/** @internal Checks counts, shapes, finiteness, symmetry and the zero diagonal; returns n. */
export function checkMachine(op: string, machine: BoltzmannMachine): number {
  const { numVisible, numHidden } = machine
  if (!(
    Number.isInteger(numVisible) &&
    numVisible >= 1 &&
    Number.isInteger(numHidden) &&
    numHidden >= 0 &&
    numVisible + numHidden <= 30
  )) {
    throw new InvalidArgumentError(
      op,
      'machine',
      `must have integer numVisible >= 1 and numHidden >= 0 with at most 30 units, got ${numVisible} and ${numHidden}`,
    )
  }
  const n = unitCount(machine)
  checkFiniteArray(op, 'machine.weights', machine.weights, n * n)
  checkFiniteArray(op, 'machine.biases', machine.biases, n)
  if (machine.connectivity.length !== n * n) {
    throw new InvalidArgumentError(
      op,
      'machine.connectivity',
      `must have length n*n = ${n * n}, got ${machine.connectivity.length}`,
    )
  }
  // the energy and every statistic assume w_ij = w_ji and w_ii = 0; a hand-edited matrix may break that
  const w = machine.weights
  for (let i = 0; i < n; i++) {
    if (w[i * n + i] !== 0) {
      throw new InvalidArgumentError(
        op,
        'machine.weights',
        `must have a zero diagonal, got ${w[i * n + i]} at (${i}, ${i})`,
      )
    }
    for (let j = i + 1; j < n; j++) {
      if (w[i * n + j] !== w[j * n + i]) {
        throw new InvalidArgumentError(
          op,
          'machine.weights',
          `must be symmetric, got ${w[i * n + j]} at (${i}, ${j}) and ${w[j * n + i]} at (${j}, ${i})`,
        )
      }
    }
  }
  return n
}

function checkTemperature(op: string, temperature: number): void {
  checkPositiveNumber(op, 'temperature', temperature)
}

/**
 * Energy of one state: E(x) = −Σ_{i<j} w_ij x_i x_j − Σ_i b_i x_i.
 *
 * @param machine - the Boltzmann machine
 * @param state - [n] values in {0, 1}, visible units first
 * @returns E(x)
 * @throws InvalidArgumentError when the state has the wrong length or non-binary entries
 * @example
 * ```ts
 * boltzmannEnergy(machine, [1, 0, 1, 0, 0, 1])
 * ```
 */
export function boltzmannEnergy(machine: BoltzmannMachine, state: ArrayLike<number>): number {
  const n = checkMachine('boltzmannEnergy', machine)
  if (state.length !== n) {
    throw new InvalidArgumentError('boltzmannEnergy', 'state', `must have length ${n}, got ${state.length}`)
  }
  checkBinaryRows('boltzmannEnergy', 'state', state, n)
  let e = 0
  for (let i = 0; i < n; i++) {
    if (state[i] === 0) continue
    e -= machine.biases[i]
    for (let j = i + 1; j < n; j++) if (state[j] === 1) e -= machine.weights[i * n + j]
  }
  return e
}

/**
 * −E(x)/T for every state x, by a Gray-code walk (one unit flips per step, O(n) per state).
 * Index s holds the state whose unit i is bit i of s.
 */
function enumerateLogWeights(machine: BoltzmannMachine, temperature: number): Float64Array {
  const n = unitCount(machine)
  const count = 2 ** n
  const out = new Float64Array(count)
  const field = Float64Array.from(machine.biases) // b_k + Σ_j w_kj x_j, the gap for turning k on
  const x = new Uint8Array(n)
  let g = 0
  let negEnergy = 0
  for (let t = 1; t < count; t++) {
    const k = lowestBit(t)
    g ^= 1 << k
    const sign = x[k] === 0 ? 1 : -1
    negEnergy += sign * field[k]
    x[k] ^= 1
    const row = k * n
    for (let j = 0; j < n; j++) field[j] += sign * machine.weights[row + j]
    out[g] = negEnergy / temperature
  }
  return out
}

/** An [n, n] correlation accumulator and its scratch list of active units. */
interface Accumulator {
  readonly n: number
  readonly out: Float64Array
  readonly active: Int32Array
}

function newAccumulator(n: number): Accumulator {
  return { n, out: new Float64Array(n * n), active: new Int32Array(n) }
}

/**
 * Adds p · x xᵀ of state s to the upper triangle (diagonal included, where <x_i> collects) of
 * the accumulator; {@link finishAccumulator} mirrors it. Half the work of the full square.
 */
function accumulate(s: number, p: number, acc: Accumulator): void {
  const { n, out, active } = acc
  let m = 0
  for (let i = 0; i < n; i++) if ((s >>> i) & 1) active[m++] = i
  for (let a = 0; a < m; a++) {
    const row = active[a] * n
    for (let b = a; b < m; b++) out[row + active[b]] += p
  }
}

/** Copies the upper triangle onto the lower one and returns the [n, n] matrix. */
function finishAccumulator(acc: Accumulator): Float64Array {
  const { n, out } = acc
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[j * n + i] = out[i * n + j]
  return out
}

/**
 * Exact free-running statistics of a Boltzmann machine at temperature T, by enumerating the 2^n states.
 *
 * @example
 * ```ts
 * const { logPartition, correlations } = exactFreeStatistics(machine)
 * ```
 */
export interface ExactStatistics {
  /** ln Z_T = ln Σ_x exp(−E(x)/T). */
  readonly logPartition: number
  /** <x_i x_j> row-major [n, n]; the diagonal holds <x_i>. */
  readonly correlations: Float64Array
}

function checkEnumerable(op: string, n: number): void {
  if (n > MAX_ENUMERATED_UNITS) {
    throw new InvalidArgumentError(
      op,
      'machine',
      `must have at most ${MAX_ENUMERATED_UNITS} units for exact enumeration, got ${n}`,
    )
  }
}

/**
 * Exact free (unclamped) statistics by enumeration: Z_T = Σ_x exp(−E(x)/T) and
 * <x_i x_j>_free = Σ_x P_T(x) x_i x_j. Cost O(2^n n²); n ≤ {@link MAX_ENUMERATED_UNITS}.
 *
 * @param machine - the Boltzmann machine (n units)
 * @param options - `temperature` T > 0 (default 1)
 * @returns ln Z_T and the [n, n] correlation matrix (diagonal <x_i>)
 * @throws InvalidArgumentError when n is too large or T ≤ 0
 * @example
 * ```ts
 * const free = exactFreeStatistics(machine, { temperature: 2 })
 * ```
 */
export function exactFreeStatistics(
  machine: BoltzmannMachine,
  options: { readonly temperature?: number } = {},
): ExactStatistics {
  const op = 'exactFreeStatistics'
  const n = checkMachine(op, machine)
  checkEnumerable(op, n)
  const temperature = options.temperature ?? 1
  checkTemperature(op, temperature)
  const logWeights = enumerateLogWeights(machine, temperature)
  const logPartition = logSumExp(logWeights)
  const acc = newAccumulator(n)
  for (let s = 0; s < logWeights.length; s++) accumulate(s, Math.exp(logWeights[s] - logPartition), acc)
  return { logPartition, correlations: finishAccumulator(acc) }
}

interface CheckedDistribution {
  readonly indices: Int32Array
  readonly probabilities: Float64Array
}

/** @internal */
export function checkDistribution(
  op: string,
  data: VisibleDistribution,
  numVisible: number,
): CheckedDistribution {
  const rows = checkBinaryRows(op, 'data.patterns', data.patterns, numVisible)
  const probabilities = new Float64Array(rows)
  if (data.probabilities === undefined) {
    probabilities.fill(1 / rows)
  } else {
    if (data.probabilities.length !== rows) {
      throw new InvalidArgumentError(
        op,
        'data.probabilities',
        `must have one entry per pattern (${rows}), got ${data.probabilities.length}`,
      )
    }
    let total = 0
    for (let r = 0; r < rows; r++) {
      const p = data.probabilities[r]
      if (!(p >= 0 && Number.isFinite(p))) {
        throw new InvalidArgumentError(
          op,
          'data.probabilities',
          `must be finite and >= 0, got ${p} at index ${r}`,
        )
      }
      probabilities[r] = p
      total += p
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new InvalidArgumentError(op, 'data.probabilities', `must sum to 1, got ${total}`)
    }
  }
  const indices = new Int32Array(rows)
  for (let r = 0; r < rows; r++) {
    let s = 0
    for (let i = 0; i < numVisible; i++) if (data.patterns[r * numVisible + i] === 1) s |= 1 << i
    indices[r] = s
  }
  return { indices, probabilities }
}

/**
 * @internal Data statistics merged by pattern (a pattern listed twice counts with its summed
 * probability). Returns a map from visible index to probability.
 */
export function mergeDistribution(dist: CheckedDistribution): Map<number, number> {
  const merged = new Map<number, number>()
  for (let r = 0; r < dist.indices.length; r++) {
    merged.set(dist.indices[r], (merged.get(dist.indices[r]) ?? 0) + dist.probabilities[r])
  }
  return merged
}

/** Clamped correlations from precomputed log-weights: Σ_v q(v) Σ_h P(h | v) x xᵀ. */
function clampedFromLogWeights(
  machine: BoltzmannMachine,
  logWeights: Float64Array,
  merged: Map<number, number>,
): Float64Array {
  const n = unitCount(machine)
  const numHiddenStates = 2 ** machine.numHidden
  const stride = 2 ** machine.numVisible
  const acc = newAccumulator(n)
  const slice = new Float64Array(numHiddenStates)
  for (const [v, q] of merged) {
    if (q === 0) continue
    for (let h = 0; h < numHiddenStates; h++) slice[h] = logWeights[v + h * stride]
    const logPv = logSumExp(slice)
    for (let h = 0; h < numHiddenStates; h++) accumulate(v + h * stride, q * Math.exp(slice[h] - logPv), acc)
  }
  return finishAccumulator(acc)
}

/** ln p_T(v) for every visible index v from precomputed log-weights, marginalising hidden units. */
function visibleLogProbabilitiesFromLogWeights(
  machine: BoltzmannMachine,
  logWeights: Float64Array,
): Float64Array {
  const numHiddenStates = 2 ** machine.numHidden
  const stride = 2 ** machine.numVisible
  const logPartition = logSumExp(logWeights)
  const out = new Float64Array(stride)
  const slice = new Float64Array(numHiddenStates)
  for (let v = 0; v < stride; v++) {
    for (let h = 0; h < numHiddenStates; h++) slice[h] = logWeights[v + h * stride]
    out[v] = logSumExp(slice) - logPartition
  }
  return out
}

/**
 * Exact clamped statistics: visible units clamped to data patterns v ~ q, hidden units at
 * equilibrium given v: <x_i x_j>_clamped = Σ_v q(v) Σ_h P_T(h | v) x_i x_j.
 *
 * @param machine - the Boltzmann machine
 * @param data - the visible distribution q (patterns [N, V], optional probabilities [N])
 * @param options - `temperature` T > 0 (default 1)
 * @returns the [n, n] correlation matrix (diagonal <x_i>_clamped)
 * @throws InvalidArgumentError for non-binary patterns, bad probabilities, T ≤ 0 or n too large
 * @example
 * ```ts
 * const clamped = exactClampedStatistics(machine, parityPatterns(3))
 * ```
 */
export function exactClampedStatistics(
  machine: BoltzmannMachine,
  data: VisibleDistribution,
  options: { readonly temperature?: number } = {},
): Float64Array {
  const op = 'exactClampedStatistics'
  const n = checkMachine(op, machine)
  checkEnumerable(op, n)
  const temperature = options.temperature ?? 1
  checkTemperature(op, temperature)
  const merged = mergeDistribution(checkDistribution(op, data, machine.numVisible))
  return clampedFromLogWeights(machine, enumerateLogWeights(machine, temperature), merged)
}

/**
 * ln p_T(v) = ln Σ_h exp(−E(v, h)/T) − ln Z_T for every visible pattern, by enumeration.
 * Entry v holds the pattern whose visible unit i is bit i of v.
 *
 * @param machine - the Boltzmann machine
 * @param options - `temperature` T > 0 (default 1)
 * @returns Float64Array [2^V] of log-probabilities
 * @throws InvalidArgumentError when n is too large or T ≤ 0
 * @example
 * ```ts
 * const logP = exactVisibleLogProbabilities(machine)
 * Math.exp(logP[0b101]) // p(v = (1, 0, 1))
 * ```
 */
export function exactVisibleLogProbabilities(
  machine: BoltzmannMachine,
  options: { readonly temperature?: number } = {},
): Float64Array {
  const op = 'exactVisibleLogProbabilities'
  const n = checkMachine(op, machine)
  checkEnumerable(op, n)
  const temperature = options.temperature ?? 1
  checkTemperature(op, temperature)
  return visibleLogProbabilitiesFromLogWeights(machine, enumerateLogWeights(machine, temperature))
}

/**
 * The exact KL divergence and its gradient.
 *
 * @example
 * ```ts
 * const { kl, weights, biases } = exactKlGradient(machine, data)
 * ```
 */
export interface KlGradient {
  /** KL(q ‖ p_T) in nats. */
  readonly kl: number
  /** ∂KL/∂w_ij = −(<x_i x_j>_clamped − <x_i x_j>_free)/T on connected pairs, 0 elsewhere; [n, n]. */
  readonly weights: Float64Array
  /** ∂KL/∂b_i = −(<x_i>_clamped − <x_i>_free)/T; [n]. */
  readonly biases: Float64Array
}

/**
 * Exact KL(q ‖ p_T) = Σ_v q(v) ln(q(v)/p_T(v)) and its gradient, the contrastive Hebbian rule
 * of Ackley, Hinton & Sejnowski (1985): ∂KL/∂w_ij = −(<x_i x_j>_clamped − <x_i x_j>_free)/T.
 *
 * @param machine - the Boltzmann machine
 * @param data - the visible distribution q
 * @param options - `temperature` T > 0 (default 1)
 * @returns {@link KlGradient}
 * @throws InvalidArgumentError for bad data, T ≤ 0 or too many units to enumerate
 * @example
 * ```ts
 * const { kl } = exactKlGradient(initBoltzmannMachine({ numVisible: 3, numHidden: 0 }, { key: key(0) }), parityPatterns(3))
 * ```
 */
export function exactKlGradient(
  machine: BoltzmannMachine,
  data: VisibleDistribution,
  options: { readonly temperature?: number } = {},
): KlGradient {
  const op = 'exactKlGradient'
  const n = checkMachine(op, machine)
  checkEnumerable(op, n)
  const temperature = options.temperature ?? 1
  checkTemperature(op, temperature)
  const merged = mergeDistribution(checkDistribution(op, data, machine.numVisible))
  return klGradientInternal(machine, merged, temperature)
}

/** @internal KL gradient from data already checked and merged (used by training loops). */
export function klGradientInternal(
  machine: BoltzmannMachine,
  merged: Map<number, number>,
  temperature: number,
): KlGradient {
  const n = unitCount(machine)
  const logWeights = enumerateLogWeights(machine, temperature)
  const logPartition = logSumExp(logWeights)
  const freeAcc = newAccumulator(n)
  for (let s = 0; s < logWeights.length; s++) accumulate(s, Math.exp(logWeights[s] - logPartition), freeAcc)
  const free = finishAccumulator(freeAcc)
  const clamped = clampedFromLogWeights(machine, logWeights, merged)
  const logPv = visibleLogProbabilitiesFromLogWeights(machine, logWeights)
  let kl = 0
  for (const [v, q] of merged) if (q > 0) kl += q * (Math.log(q) - logPv[v])
  const weights = new Float64Array(n * n)
  const biases = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    biases[i] = -(clamped[i * n + i] - free[i * n + i]) / temperature
    for (let j = 0; j < n; j++) {
      if (machine.connectivity[i * n + j] === 1)
        weights[i * n + j] = -(clamped[i * n + j] - free[i * n + j]) / temperature
    }
  }
  return { kl, weights, biases }
}

/**
 * Exact KL(q ‖ p_T) = Σ_v q(v) ln(q(v)/p_T(v)) in nats, by enumeration.
 *
 * @param machine - the Boltzmann machine
 * @param data - the visible distribution q
 * @param options - `temperature` T > 0 (default 1)
 * @returns the divergence, ≥ 0
 * @throws InvalidArgumentError for bad data, T ≤ 0 or too many units
 * @example
 * ```ts
 * klDivergence(machine, parityPatterns(3)) // ≥ ln 2 without hidden units
 * ```
 */
export function klDivergence(
  machine: BoltzmannMachine,
  data: VisibleDistribution,
  options: { readonly temperature?: number } = {},
): number {
  const op = 'klDivergence'
  const n = checkMachine(op, machine)
  checkEnumerable(op, n)
  const temperature = options.temperature ?? 1
  checkTemperature(op, temperature)
  const merged = mergeDistribution(checkDistribution(op, data, machine.numVisible))
  const logPv = exactVisibleLogProbabilities(machine, { temperature })
  let kl = 0
  for (const [v, q] of merged) if (q > 0) kl += q * (Math.log(q) - logPv[v])
  return kl
}

/**
 * One step of a simulated-annealing schedule: `numSweeps` Gibbs sweeps at `temperature`.
 *
 * @example
 * ```ts
 * const step: AnnealingStep = { temperature: 20, numSweeps: 2 }
 * ```
 */
export interface AnnealingStep {
  readonly temperature: number
  readonly numSweeps: number
}

/**
 * A geometric simulated-annealing schedule from `startTemperature` down to `endTemperature`:
 * T_k = T_start (T_end / T_start)^(k/(K−1)), k = 0..K−1, each held for `sweepsPerStep` sweeps
 * (Kirkpatrick, Gelatt & Vecchi 1983; the 1985 paper used a short hand-made schedule).
 *
 * @param options - `startTemperature` > 0, `endTemperature` > 0, `numSteps` K ≥ 1, `sweepsPerStep` ≥ 1 (default 1)
 * @returns the schedule, hottest first
 * @throws InvalidArgumentError for non-positive temperatures or counts
 * @example
 * ```ts
 * const schedule = annealingSchedule({ startTemperature: 10, endTemperature: 1, numSteps: 8 })
 * ```
 */
export function annealingSchedule(options: {
  readonly startTemperature: number
  readonly endTemperature: number
  readonly numSteps: number
  readonly sweepsPerStep?: number
}): AnnealingStep[] {
  checkOptions('annealingSchedule', options)
  const op = 'annealingSchedule'
  checkPositiveNumber(op, 'startTemperature', options.startTemperature)
  checkPositiveNumber(op, 'endTemperature', options.endTemperature)
  checkPositiveInteger(op, 'numSteps', options.numSteps)
  const sweeps = options.sweepsPerStep ?? 1
  checkPositiveInteger(op, 'sweepsPerStep', sweeps)
  const out: AnnealingStep[] = []
  const k = options.numSteps
  for (let s = 0; s < k; s++) {
    const f = k === 1 ? 1 : s / (k - 1)
    out.push({
      temperature: options.startTemperature * (options.endTemperature / options.startTemperature) ** f,
      numSweeps: sweeps,
    })
  }
  return out
}

/** Which units move in a sweep, at which temperature, and where its uniforms start. */
interface SweepSpec {
  readonly firstFree: number
  readonly temperature: number
  readonly uniforms: Float64Array
  readonly uniformOffset: number
}

/**
 * One sequential Gibbs sweep in place over the units that are not clamped: unit k turns on
 * with P = σ(ΔE_k / T), ΔE_k = b_k + Σ_j w_kj x_j, using uniforms u[0..n).
 */
function gibbsSweepInPlace(machine: BoltzmannMachine, state: Float64Array, sweep: SweepSpec): void {
  const { firstFree, temperature, uniforms, uniformOffset } = sweep
  const n = unitCount(machine)
  for (let k = firstFree; k < n; k++) {
    let gap = machine.biases[k]
    const row = k * n
    for (let j = 0; j < n; j++) if (state[j] === 1) gap += machine.weights[row + j]
    // u < σ(gap/T) ⇔ on; written as 1/(1+exp(−gap/T)) which is safe for either sign.
    state[k] = uniforms[uniformOffset + k] < 1 / (1 + Math.exp(-gap / temperature)) ? 1 : 0
  }
}

/**
 * Options of {@link annealBoltzmannMachine}.
 *
 * @example
 * ```ts
 * const options: AnnealOptions = { key: key(0), schedule: annealingSchedule({ startTemperature: 20, endTemperature: 0.1, numSteps: 30 }) }
 * ```
 */
export interface AnnealOptions {
  /**
   * Key of the run: the random starting state (when `initialState` is absent) uses
   * `uniformFloats(fold(key, 0), n, 'float64')` (unit on when u < 1/2), and sweep t (1-based,
   * counted over the whole schedule) uses `uniformFloats(fold(key, t), n, 'float64')`.
   */
  readonly key: Key
  /** The temperatures and sweeps to run, hottest first (see {@link annealingSchedule}). */
  readonly schedule: readonly AnnealingStep[]
  /** Starting state [n] of 0/1 (default: random). */
  readonly initialState?: ArrayLike<number>
  /** When given, a 0/1 pattern [V] the visible units are held at; only hidden units move. */
  readonly clampVisible?: ArrayLike<number>
}

/**
 * Simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983) as used by Ackley, Hinton & Sejnowski
 * (1985) to search for low-energy states: sequential Gibbs sweeps in unit order, unit k turning
 * on with P(x_k = 1) = 1 / (1 + exp(−ΔE_k / T)), ΔE_k = b_k + Σ_j w_kj x_j, while T follows the
 * schedule. As T → 0 the state settles in a (local) minimum of E.
 *
 * @param machine - the Boltzmann machine (n units)
 * @param options - {@link AnnealOptions}
 * @returns the final state, Float64Array [n] of 0/1 (visible units first)
 * @throws InvalidArgumentError for a bad schedule, a non-binary initial state or clamp pattern, or
 *   one of the wrong length
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * const schedule = annealingSchedule({ startTemperature: 10, endTemperature: 0.05, numSteps: 40, sweepsPerStep: 2 })
 * const state = annealBoltzmannMachine(machine, { key: key(3), schedule })
 * boltzmannEnergy(machine, state) // near the minimum energy
 * ```
 */
export function annealBoltzmannMachine(machine: BoltzmannMachine, options: AnnealOptions): Float64Array {
  checkOptions('annealBoltzmannMachine', options)
  const op = 'annealBoltzmannMachine'
  const n = checkMachine(op, machine)
  if (options.schedule.length === 0) {
    throw new InvalidArgumentError(op, 'schedule', 'must have at least one step, got 0')
  }
  for (const step of options.schedule) {
    checkTemperature(op, step.temperature)
    checkPositiveInteger(op, 'schedule.numSweeps', step.numSweeps)
  }
  const state = new Float64Array(n)
  if (options.initialState === undefined) {
    const u = uniformFloats(fold(options.key, 0), n, 'float64')
    for (let i = 0; i < n; i++) state[i] = u[i] < 0.5 ? 1 : 0
  } else {
    if (options.initialState.length !== n) {
      throw new InvalidArgumentError(
        op,
        'initialState',
        `must have length ${n}, got ${options.initialState.length}`,
      )
    }
    checkBinaryRows(op, 'initialState', options.initialState, n)
    state.set(options.initialState)
  }
  let firstFree = 0
  if (options.clampVisible !== undefined) {
    const V = machine.numVisible
    if (options.clampVisible.length !== V) {
      throw new InvalidArgumentError(
        op,
        'clampVisible',
        `must have length ${V}, got ${options.clampVisible.length}`,
      )
    }
    checkBinaryRows(op, 'clampVisible', options.clampVisible, V)
    for (let i = 0; i < V; i++) state[i] = options.clampVisible[i]
    firstFree = V
  }
  let t = 1
  for (const step of options.schedule) {
    for (let s = 0; s < step.numSweeps; s++, t++) {
      const uniforms = uniformFloats(fold(options.key, t), n, 'float64')
      gibbsSweepInPlace(machine, state, {
        firstFree,
        temperature: step.temperature,
        uniforms,
        uniformOffset: 0,
      })
    }
  }
  return state
}

/**
 * Options of {@link sampledStatistics}.
 *
 * @example
 * ```ts
 * const options: SampledStatisticsOptions = { key: key(3), numChains: 20, numSweeps: 10 }
 * ```
 */
export interface SampledStatisticsOptions {
  /** Key of the chains' uniforms. */
  readonly key: Key
  /** Annealing before collection (default: 5 sweeps each at 8T, 4T, 2T, then T, with T = `temperature`). */
  readonly schedule?: readonly AnnealingStep[]
  /** Temperature at which statistics are collected (default 1). */
  readonly temperature?: number
  /** Sweeps over which statistics are collected after annealing (default 10). */
  readonly numSweeps?: number
  /** Independent chains: per data pattern when clamped, in all when free (default 10). */
  readonly numChains?: number
  /** When given, visible units are clamped to each pattern of this distribution in turn (weighted by q). */
  readonly clampTo?: VisibleDistribution
}

/**
 * Estimates <x_i x_j> by simulated annealing then Gibbs sampling (Ackley, Hinton & Sejnowski
 * 1985): each chain starts from random units, is annealed along `schedule`, then collects
 * x xᵀ over `numSweeps` sweeps at `temperature`. With `clampTo`, the visible units are held at
 * each data pattern and only the hidden units move, giving the clamped statistics; without it,
 * every unit moves, giving the free statistics.
 *
 * Sweep t of chain c draws its uniforms from `uniformFloats(fold(key, …))` in a fixed order,
 * so the estimate is a pure function of the key.
 *
 * @param machine - the Boltzmann machine
 * @param options - {@link SampledStatisticsOptions}
 * @returns the estimated [n, n] correlation matrix (diagonal <x_i>)
 * @throws InvalidArgumentError for bad counts, temperatures or data
 * @example
 * ```ts
 * const free = sampledStatistics(machine, { key: key(1), numChains: 100, numSweeps: 20 })
 * ```
 */
export function sampledStatistics(
  machine: BoltzmannMachine,
  options: SampledStatisticsOptions,
): Float64Array {
  checkOptions('sampledStatistics', options)
  const op = 'sampledStatistics'
  const n = checkMachine(op, machine)
  const temperature = options.temperature ?? 1
  checkTemperature(op, temperature)
  const numSweeps = options.numSweeps ?? 10
  checkPositiveInteger(op, 'numSweeps', numSweeps)
  const numChains = options.numChains ?? 10
  checkPositiveInteger(op, 'numChains', numChains)
  const schedule = options.schedule ?? [
    { temperature: 8 * temperature, numSweeps: 5 },
    { temperature: 4 * temperature, numSweeps: 5 },
    { temperature: 2 * temperature, numSweeps: 5 },
    { temperature, numSweeps: 5 },
  ]
  for (const step of schedule) {
    checkTemperature(op, step.temperature)
    checkPositiveInteger(op, 'schedule.numSweeps', step.numSweeps)
  }
  const V = machine.numVisible
  let groups: { pattern: number[] | null; weight: number }[]
  if (options.clampTo === undefined) {
    groups = [{ pattern: null, weight: 1 }]
  } else {
    const dist = checkDistribution(op, options.clampTo, V)
    groups = []
    for (let r = 0; r < dist.indices.length; r++) {
      const pattern: number[] = []
      for (let i = 0; i < V; i++) pattern.push(options.clampTo.patterns[r * V + i])
      groups.push({ pattern, weight: dist.probabilities[r] })
    }
  }
  const totalSweeps = schedule.reduce((a, s) => a + s.numSweeps, 0) + numSweeps
  const acc = newAccumulator(n)
  const state = new Float64Array(n)
  for (let g = 0; g < groups.length; g++) {
    const { pattern, weight } = groups[g]
    if (weight === 0) continue
    const firstFree = pattern === null ? 0 : V
    // one draw per group: an initial state plus one uniform per unit per sweep, per chain
    const u = uniformFloats(fold(options.key, g), numChains * n * (totalSweeps + 1), 'float64')
    const perSample = weight / (numChains * numSweeps)
    for (let c = 0; c < numChains; c++) {
      const base = c * n * (totalSweeps + 1)
      for (let i = 0; i < n; i++)
        state[i] = pattern !== null && i < V ? pattern[i] : u[base + i] < 0.5 ? 1 : 0
      let t = 1
      for (const step of schedule) {
        for (let s = 0; s < step.numSweeps; s++, t++)
          gibbsSweepInPlace(machine, state, {
            firstFree,
            temperature: step.temperature,
            uniforms: u,
            uniformOffset: base + t * n,
          })
      }
      for (let s = 0; s < numSweeps; s++, t++) {
        gibbsSweepInPlace(machine, state, {
          firstFree,
          temperature,
          uniforms: u,
          uniformOffset: base + t * n,
        })
        let idx = 0
        for (let i = 0; i < n; i++) if (state[i] === 1) idx |= 1 << i
        accumulate(idx, perSample, acc)
      }
    }
  }
  return finishAccumulator(acc)
}

/**
 * How well a g-H-g encoder ({@link encoderConnectivity}) passes patterns from V1 to V2: for each
 * k, V1 is clamped to one-hot k and the exact conditional p_T(V2 | V1) (hidden units
 * marginalised) is computed by enumeration. Pattern k counts as solved when
 * p_T(V2 = one-hot k | V1 = one-hot k) > 1/2, so the right completion is more likely than all
 * the others together (two patterns sharing one hidden code cannot both pass).
 *
 * @param machine - a Boltzmann machine with 2g visible units (V1 then V2)
 * @param options - `temperature` T > 0 (default 1)
 * @returns `solved` (patterns completed right with probability > 1/2, 0..g) and
 *   `meanProbability`, the mean of p(V2 = one-hot k | V1 = one-hot k)
 * @throws InvalidArgumentError when the visible count is odd or the net too large
 * @example
 * ```ts
 * const { solved } = encoderAccuracy(machine) // solved === 4 for a learned 4-2-4 encoder
 * ```
 */
export function encoderAccuracy(
  machine: BoltzmannMachine,
  options: { readonly temperature?: number } = {},
): { readonly solved: number; readonly meanProbability: number } {
  const op = 'encoderAccuracy'
  if (machine.numVisible % 2 !== 0) {
    throw new InvalidArgumentError(
      op,
      'machine.numVisible',
      `must be even (V1 then V2), got ${machine.numVisible}`,
    )
  }
  const g = machine.numVisible / 2
  const logPv = exactVisibleLogProbabilities(machine, options)
  let solved = 0
  let meanProbability = 0
  const row = new Float64Array(2 ** g)
  for (let k = 0; k < g; k++) {
    for (let v2 = 0; v2 < row.length; v2++) row[v2] = logPv[(1 << k) | (v2 << g)]
    const p = Math.exp(row[1 << k] - logSumExp(row))
    if (p > 0.5) solved += 1
    meanProbability += p / g
  }
  return { solved, meanProbability }
}
