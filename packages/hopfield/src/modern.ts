import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'
import {
  cosine,
  logSumExpScaled,
  matTVec,
  matVec,
  softmaxInPlace,
  toMatrix,
  type Matrix,
} from './internal/matrix'
import { checkFinite, checkPositiveInteger, describeValue, isList, toFiniteVector } from './internal/validate'

/**
 * Stored patterns of a modern (continuous) Hopfield network: a plain value holding the matrix
 * X whose K columns x_1 … x_K ∈ ℝᵈ are the memories (Ramsauer et al. 2020). Stored here as K
 * rows of length d, row-major: `patterns[k * size + j]` = (x_k)_j.
 *
 * @example
 * ```ts
 * const memory = modernHopfieldMemory([[1, 0], [0, 1]])
 * memory.patternCount // 2
 * ```
 */
export interface ModernHopfieldMemory {
  /** Dimension d of a pattern (and of the state ξ). */
  readonly size: number
  /** Number of stored patterns K. */
  readonly patternCount: number
  /** The patterns, K×d row-major. */
  readonly patterns: Float64Array
  /** M = max_k ‖x_k‖, the largest pattern norm (enters the energy). */
  readonly maxNorm: number
}

/** Options of the modern Hopfield functions. */
export interface ModernHopfieldOptions {
  /** Inverse temperature β > 0: large β retrieves single patterns, small β averages them. */
  beta: number
}

/**
 * Stores K real patterns of dimension d for the modern continuous Hopfield network. Storage is
 * the patterns themselves (no weight matrix): capacity grows exponentially in d for
 * well-separated patterns (Ramsauer et al. 2020, Theorem 3).
 *
 * Shapes: patterns K × d.
 *
 * @param patterns - K ≥ 1 vectors of one length d ≥ 1, finite numbers (e.g. ±1 images or unit vectors)
 * @returns the memory
 * @throws InvalidArgumentError when the list is empty, the lengths differ or a value is not finite
 * @example
 * ```ts
 * const memory = modernHopfieldMemory(glyphPatterns())
 * ```
 * @see Ramsauer et al. (2020), "Hopfield Networks is All You Need", arXiv:2008.02217, §2.
 */
export function modernHopfieldMemory(patterns: readonly ArrayLike<number>[]): ModernHopfieldMemory {
  const x = toMatrix('modernHopfieldMemory', 'patterns', patterns)
  let maxNorm = 0
  for (let k = 0; k < x.rows; k++) {
    let s = 0
    for (let j = 0; j < x.cols; j++) s += x.data[k * x.cols + j] ** 2
    maxNorm = Math.max(maxNorm, Math.sqrt(s))
  }
  return { size: x.cols, patternCount: x.rows, patterns: x.data, maxNorm }
}

function matrixOf(memory: ModernHopfieldMemory): Matrix {
  return { rows: memory.patternCount, cols: memory.size, data: memory.patterns }
}

function checkBeta(op: string, beta: number): void {
  checkFinite(op, 'beta', beta)
  if (!(beta > 0)) throw new InvalidArgumentError(op, 'beta', `must be > 0, got ${beta}`)
}

function checkMemory(op: string, memory: ModernHopfieldMemory): void {
  if (
    memory === null ||
    typeof memory !== 'object' ||
    !(memory.patterns instanceof Float64Array) ||
    memory.patterns.length !== memory.size * memory.patternCount
  ) {
    throw new InvalidArgumentError(
      op,
      'memory',
      `must be made by modernHopfieldMemory, got ${JSON.stringify(Object.keys(memory ?? {}))}`,
    )
  }
}

/**
 * The attention of a state over the stored patterns, p = softmax(β Xᵀ ξ) ∈ Δᴷ: the weights the
 * update mixes the patterns with.
 *
 * Shapes: state d → p of length K.
 *
 * @param memory - the stored patterns X
 * @param state - ξ, d finite numbers
 * @param options - β > 0
 * @returns p, K non-negative weights summing to 1
 * @throws InvalidArgumentError on a bad state or β
 * @example
 * ```ts
 * modernHopfieldAttention(modernHopfieldMemory([[1, 0], [0, 1]]), [1, 0], { beta: 100 }) // ≈ [1, 0]
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, Eq. 3.
 */
export function modernHopfieldAttention(
  memory: ModernHopfieldMemory,
  state: ArrayLike<number>,
  options: ModernHopfieldOptions,
): Float64Array {
  checkOptions('modernHopfieldAttention', options)
  const op = 'modernHopfieldAttention'
  checkMemory(op, memory)
  checkBeta(op, options.beta)
  const xi = toFiniteVector(op, 'state', state, memory.size)
  return softmaxInPlace(matVec(matrixOf(memory), xi), options.beta)
}

/**
 * One update of the modern continuous Hopfield network (Ramsauer et al. 2020, Eq. 3):
 *
 *   ξ_new = X softmax(β Xᵀ ξ),
 *
 * a convex combination of the stored patterns. It is the CCCP step on the energy
 * {@link modernHopfieldEnergy}, so the energy never rises, and for well-separated patterns one
 * step lands exponentially close to the nearest pattern. As β → 0 it returns the mean of the
 * patterns; for small β all queries reach the same metastable average.
 *
 * Shapes: state d → ξ_new d.
 *
 * @param memory - the stored patterns X
 * @param state - ξ, d finite numbers
 * @param options - β > 0
 * @returns ξ_new, a new Float64Array of length d
 * @throws InvalidArgumentError on a bad state or β
 * @example
 * ```ts
 * const memory = modernHopfieldMemory([[1, -1, 1], [-1, -1, 1]])
 * modernHopfieldUpdate(memory, [1, 0, 0], { beta: 8 }) // ≈ [1, -1, 1]
 * ```
 * @see Ramsauer et al. (2020), "Hopfield Networks is All You Need", arXiv:2008.02217, Eq. 3 and Theorem 1.
 */
export function modernHopfieldUpdate(
  memory: ModernHopfieldMemory,
  state: ArrayLike<number>,
  options: ModernHopfieldOptions,
): Float64Array {
  checkOptions('modernHopfieldUpdate', options)
  const p = modernHopfieldAttention(memory, state, options)
  return matTVec(matrixOf(memory), p)
}

/**
 * Energy of the modern continuous Hopfield network (Ramsauer et al. 2020, Eq. 2):
 *
 *   E(ξ) = −lse(β, Xᵀ ξ) + ½ ξᵀξ + β⁻¹ log K + ½ M²,   lse(β, z) = β⁻¹ log Σ_k exp(β z_k),
 *
 * with M = max_k ‖x_k‖. The constant terms make 0 ≤ E ≤ 2M² on the convex hull of the
 * patterns (Lemma 1). The log-sum-exp is shifted by its maximum, so large β·z does not overflow.
 *
 * Shapes: state d → scalar.
 *
 * @param memory - the stored patterns X
 * @param state - ξ, d finite numbers
 * @param options - β > 0
 * @returns E(ξ)
 * @throws InvalidArgumentError on a bad state or β
 * @example
 * ```ts
 * modernHopfieldEnergy(modernHopfieldMemory([[1, 0]]), [1, 0], { beta: 1 }) // 0
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, Eq. 2.
 */
export function modernHopfieldEnergy(
  memory: ModernHopfieldMemory,
  state: ArrayLike<number>,
  options: ModernHopfieldOptions,
): number {
  checkOptions('modernHopfieldEnergy', options)
  const op = 'modernHopfieldEnergy'
  checkMemory(op, memory)
  checkBeta(op, options.beta)
  const xi = toFiniteVector(op, 'state', state, memory.size)
  return energyOf(memory, xi, options.beta)
}

function energyOf(memory: ModernHopfieldMemory, xi: Float64Array, beta: number): number {
  const z = matVec(matrixOf(memory), xi)
  let half = 0
  for (let j = 0; j < xi.length; j++) half += xi[j] * xi[j]
  return (
    -logSumExpScaled(z, beta) +
    0.5 * half +
    Math.log(memory.patternCount) / beta +
    0.5 * memory.maxNorm * memory.maxNorm
  )
}

/** Options of {@link modernHopfieldRetrieve}. */
export interface ModernRetrieveOptions extends ModernHopfieldOptions {
  /** Most updates; default 1 (one-step retrieval, as in the paper). */
  maxSteps?: number
  /** Stop when ‖ξ_new − ξ‖∞ falls to this; default 1e-12. */
  tolerance?: number
}

/** Result of {@link modernHopfieldRetrieve}. */
export interface ModernRetrieveResult {
  /** The final state. */
  state: Float64Array
  /** softmax(β Xᵀ ξ) of the last update: which patterns the state was mixed from. */
  attention: Float64Array
  /** Updates run. */
  steps: number
  /** True when the last update moved the state by at most `tolerance`. */
  converged: boolean
  /** Energies before the first and after each update (non-increasing). */
  energies: number[]
}

/**
 * Retrieves from a query: repeats ξ ← X softmax(β Xᵀ ξ) for up to `maxSteps` updates (one by
 * default) or until the state stops moving, keeping the energies, which never rise (the update
 * is a concave–convex procedure, Ramsauer et al. 2020, Theorem 1).
 *
 * Shapes: query d → state d, attention K.
 *
 * @param memory - the stored patterns X
 * @param query - the initial state ξ, d finite numbers
 * @param options - β > 0, maxSteps, tolerance
 * @returns the state, its attention weights, steps, convergence and energies
 * @throws InvalidArgumentError on a bad query, β, maxSteps or tolerance
 * @example
 * ```ts
 * const { state } = modernHopfieldRetrieve(modernHopfieldMemory(glyphPatterns()), probe, { beta: 0.5 })
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, Theorems 1 and 4.
 */
export function modernHopfieldRetrieve(
  memory: ModernHopfieldMemory,
  query: ArrayLike<number>,
  options: ModernRetrieveOptions,
): ModernRetrieveResult {
  checkOptions('modernHopfieldRetrieve', options)
  const op = 'modernHopfieldRetrieve'
  checkMemory(op, memory)
  checkBeta(op, options.beta)
  const maxSteps = options.maxSteps ?? 1
  checkPositiveInteger(op, 'maxSteps', maxSteps)
  const tolerance = options.tolerance ?? 1e-12
  checkFinite(op, 'tolerance', tolerance)
  if (tolerance < 0) throw new InvalidArgumentError(op, 'tolerance', `must be >= 0, got ${tolerance}`)
  let xi: Float64Array = toFiniteVector(op, 'query', query, memory.size)
  const x = matrixOf(memory)
  const energies = [energyOf(memory, xi, options.beta)]
  let attention: Float64Array = new Float64Array(memory.patternCount)
  let steps = 0
  let converged = false
  while (steps < maxSteps) {
    attention = softmaxInPlace(matVec(x, xi), options.beta)
    const next = matTVec(x, attention)
    steps++
    let moved = 0
    for (let j = 0; j < next.length; j++) moved = Math.max(moved, Math.abs(next[j] - xi[j]))
    xi = next
    energies.push(energyOf(memory, xi, options.beta))
    if (moved <= tolerance) {
      converged = true
      break
    }
  }
  return { state: xi, attention, steps, converged, energies }
}

/** Options of {@link modernRetrievalCurve}. */
export interface ModernRetrievalCurveOptions {
  /** The stored patterns. */
  memory: ModernHopfieldMemory
  /** Queries, each of length d (e.g. masked or noisy copies of stored patterns). */
  queries: readonly ArrayLike<number>[]
  /** For each query, the index of the pattern it should retrieve. */
  targets: readonly number[]
  /** The β values to scan. */
  betas: readonly number[]
  /** Updates per query; default 1. */
  steps?: number
}

/** One β of {@link modernRetrievalCurve}. */
export interface ModernRetrievalPoint {
  /** β. */
  beta: number
  /** Share of queries whose output is closer (in cosine) to their own pattern than to any other. */
  retrievedFraction: number
  /** Mean cosine between output and target pattern. */
  meanCosine: number
  /** Mean largest attention weight max_k p_k: near 1 for single-pattern retrieval, near 1/K for the global average. */
  meanMaxAttention: number
  /**
   * Spread of the outputs: max over queries of ‖ξ_q − ξ̄‖ / ‖ξ̄‖ with ξ̄ the mean output. Near 0
   * means every query reached the same metastable state.
   */
  outputSpread: number
}

/**
 * Retrieval quality of the modern Hopfield network against β, ready to plot: for each β, one
 * (or `steps`) update per query, then the share retrieved (the output's nearest stored pattern is
 * the target), the mean cosine to the target, the mean top attention weight, and the spread of
 * the outputs. Small β puts every query in the same metastable state near the pattern mean
 * (Ramsauer et al. 2020, §3 "metastable states"); large β retrieves single patterns.
 *
 * @param options - memory, queries, targets, betas, steps
 * @returns one {@link ModernRetrievalPoint} per β
 * @throws InvalidArgumentError on mismatched queries and targets, a bad target index or β
 * @example
 * ```ts
 * modernRetrievalCurve({ memory, queries, targets, betas: [0.01, 0.05, 0.5] })
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, §3 and Fig. 2.
 */
export function modernRetrievalCurve(options: ModernRetrievalCurveOptions): ModernRetrievalPoint[] {
  checkOptions('modernRetrievalCurve', options)
  const op = 'modernRetrievalCurve'
  const { memory, queries, targets, betas } = options
  checkMemory(op, memory)
  if (!isList(queries) || queries.length === 0 || !isList(targets)) {
    throw new InvalidArgumentError(
      op,
      'queries',
      `must be a non-empty list with targets, got ${describeValue(queries)}`,
    )
  }
  if (targets.length !== queries.length) {
    throw new InvalidArgumentError(
      op,
      'targets',
      `must have one entry per query (${queries.length}), got ${targets.length}`,
    )
  }
  for (const t of targets) {
    if (!Number.isInteger(t) || t < 0 || t >= memory.patternCount) {
      throw new InvalidArgumentError(
        op,
        'targets',
        `must hold pattern indices in [0, ${memory.patternCount}), got ${String(t)}`,
      )
    }
  }
  if (!isList(betas) || betas.length === 0) {
    throw new InvalidArgumentError(op, 'betas', `must be a non-empty list, got ${describeValue(betas)}`)
  }
  const steps = options.steps ?? 1
  checkPositiveInteger(op, 'steps', steps)
  const x = matrixOf(memory)
  const d = memory.size
  const checked = queries.map((q, i) => toFiniteVector(op, `queries[${i}]`, q, d))
  const row = (k: number): Float64Array => memory.patterns.subarray(k * d, (k + 1) * d)
  return betas.map((beta) => {
    checkBeta(op, beta)
    let retrieved = 0
    let cosines = 0
    let topAttention = 0
    const outputs: Float64Array[] = []
    checked.forEach((query, qi) => {
      let xi: Float64Array = query
      let p: Float64Array = new Float64Array(0)
      for (let s = 0; s < steps; s++) {
        p = softmaxInPlace(matVec(x, xi), beta)
        xi = matTVec(x, p)
      }
      outputs.push(xi)
      let top = 0
      for (const v of p) top = Math.max(top, v)
      topAttention += top
      let best = -1
      let bestCos = -Infinity
      for (let k = 0; k < memory.patternCount; k++) {
        const c = cosine(xi, row(k))
        if (c > bestCos) {
          bestCos = c
          best = k
        }
      }
      if (best === targets[qi]) retrieved++
      cosines += cosine(xi, row(targets[qi]))
    })
    const centre = new Float64Array(d)
    for (const o of outputs) for (let j = 0; j < d; j++) centre[j] += o[j] / outputs.length
    let centreNorm = 0
    for (let j = 0; j < d; j++) centreNorm += centre[j] ** 2
    centreNorm = Math.sqrt(centreNorm)
    let spread = 0
    for (const o of outputs) {
      let dist = 0
      for (let j = 0; j < d; j++) dist += (o[j] - centre[j]) ** 2
      spread = Math.max(spread, Math.sqrt(dist) / Math.max(centreNorm, Number.MIN_VALUE))
    }
    const n = checked.length
    return {
      beta,
      retrievedFraction: retrieved / n,
      meanCosine: cosines / n,
      meanMaxAttention: topAttention / n,
      outputSpread: spread,
    }
  })
}
