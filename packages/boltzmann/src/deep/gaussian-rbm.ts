// Gaussian–Bernoulli RBM: real-valued visible units with per-unit standard deviations σ_i and
// binary hidden units (Hinton 2010, "A practical guide", §13.2; Cho, Ilin & Raiko 2011,
// "Improved learning of Gaussian-Bernoulli restricted Boltzmann machines"). With s_i = ln σ_i:
//
//   E(v, h) = Σ_i (v_i − b_i)² / (2σ_i²) − cᵀh − Σ_ij (v_i / σ_i) W_ij h_j
//   p(h_j = 1 | v) = σ(c_j + Σ_i (v_i / σ_i) W_ij)
//   p(v_i | h) = N(b_i + σ_i Σ_j W_ij h_j, σ_i²)
//   F(v) = Σ_i (v_i − b_i)² / (2σ_i²) − Σ_j softplus(c_j + Σ_i (v_i / σ_i) W_ij)
//   Z = Σ_h ∫ exp(−E) dv = Σ_h exp(cᵀh + Σ_i (b_i a_i / σ_i + a_i² / 2)) · Π_i √(2π) σ_i,  a = W h
//
// The last line completes the square in each v_i. Shapes as in rbm.ts: W [V, H] row-major.
import {
  checkOptions,
  fold,
  InvalidArgumentError,
  normalFloats,
  uniformFloats,
  type Key,
} from '@gen/core-tensor'

import { checkPositiveInteger, lowestBit, sigmoid, softplus } from '../internal/numeric'
import { MAX_RBM_ENUMERATED_UNITS } from '../rbm'

/**
 * Parameters of a Gaussian–Bernoulli RBM. `logSigma` holds s_i = ln σ_i, so σ stays positive
 * under gradient steps (Cho et al. 2011 learn ln σ² for the same reason).
 *
 * @example
 * ```ts
 * const rbm = initGaussianRbm({ numVisible: 2, numHidden: 3 }, { key: key(0) })
 * rbm.logSigma // Float64Array [0, 0]: σ = 1
 * ```
 */
export interface GaussianRbm {
  /** V. */
  readonly numVisible: number
  /** H. */
  readonly numHidden: number
  /** W [V, H] row-major. */
  readonly weights: Float64Array
  /** b [V], the visible means when h = 0. */
  readonly visibleBias: Float64Array
  /** c [H]. */
  readonly hiddenBias: Float64Array
  /** s = ln σ [V]. */
  readonly logSigma: Float64Array
}

/**
 * A gradient with the shapes of {@link GaussianRbm}'s parameters (ascent direction).
 *
 * @example
 * ```ts
 * const { gradient } = gaussianRbmExactGradient(rbm, data)
 * gradient.logSigma // ∂ mean ln p(v) / ∂ ln σ
 * ```
 */
export interface GaussianRbmGradient {
  /** [V, H]. */
  readonly weights: Float64Array
  /** [V]. */
  readonly visibleBias: Float64Array
  /** [H]. */
  readonly hiddenBias: Float64Array
  /** [V]. */
  readonly logSigma: Float64Array
}

/**
 * Options of {@link initGaussianRbm}.
 *
 * @example
 * ```ts
 * const options: InitGaussianRbmOptions = { key: key(0), initScale: 0.01, sigma: 1 }
 * ```
 */
export interface InitGaussianRbmOptions {
  /** Key of W. */
  readonly key: Key
  /** W_ij ~ N(0, initScale²) (default 0.01). */
  readonly initScale?: number
  /** Initial σ of every visible unit, or one per unit (default 1: standardise the data first, as the guide advises). */
  readonly sigma?: number | ArrayLike<number>
  /** Initial b, e.g. the data means (default 0). */
  readonly visibleBias?: ArrayLike<number>
}

/**
 * Makes a Gaussian–Bernoulli RBM with W ~ N(0, initScale²), c = 0, b and σ as given.
 *
 * @param config - `numVisible` V and `numHidden` H
 * @param options - {@link InitGaussianRbmOptions}
 * @returns a new {@link GaussianRbm}
 * @throws InvalidArgumentError for bad sizes, scale, σ ≤ 0 or wrong lengths
 * @example
 * ```ts
 * const rbm = initGaussianRbm({ numVisible: 784, numHidden: 200 }, { key: key(1), sigma: 1 })
 * ```
 */
export function initGaussianRbm(
  config: { readonly numVisible: number; readonly numHidden: number },
  options: InitGaussianRbmOptions,
): GaussianRbm {
  const op = 'initGaussianRbm'
  checkOptions(op, options)
  checkPositiveInteger(op, 'numVisible', config.numVisible)
  checkPositiveInteger(op, 'numHidden', config.numHidden)
  const { numVisible: V, numHidden: H } = config
  const scale = options.initScale ?? 0.01
  if (!(Number.isFinite(scale) && scale >= 0)) {
    throw new InvalidArgumentError(op, 'initScale', `must be a finite number >= 0, got ${scale}`)
  }
  const weights = normalFloats(options.key, V * H, 'float64')
  for (let k = 0; k < weights.length; k++) weights[k] *= scale
  const sigma = options.sigma ?? 1
  const sigmas = typeof sigma === 'number' ? new Float64Array(V).fill(sigma) : Float64Array.from(sigma)
  if (sigmas.length !== V)
    throw new InvalidArgumentError(op, 'sigma', `must have length ${V}, got ${sigmas.length}`)
  for (let i = 0; i < V; i++) {
    if (!(Number.isFinite(sigmas[i]) && sigmas[i] > 0)) {
      throw new InvalidArgumentError(
        op,
        'sigma',
        `must hold finite numbers > 0, got ${sigmas[i]} at index ${i}`,
      )
    }
  }
  const visibleBias =
    options.visibleBias === undefined ? new Float64Array(V) : Float64Array.from(options.visibleBias)
  const rbm = {
    numVisible: V,
    numHidden: H,
    weights,
    visibleBias,
    hiddenBias: new Float64Array(H),
    logSigma: sigmas.map(Math.log),
  }
  checkGaussianRbm(op, rbm)
  return rbm
}

/**
 * Makes a Gaussian–Bernoulli RBM from given parameters (copied after checking).
 *
 * @param params - sizes, `weights` [V·H], `visibleBias` [V], `hiddenBias` [H], `logSigma` [V]
 * @returns a new {@link GaussianRbm}
 * @throws InvalidArgumentError for wrong lengths or non-finite entries
 * @example
 * ```ts
 * const rbm = createGaussianRbm({ numVisible: 1, numHidden: 1, weights: [1], visibleBias: [0], hiddenBias: [0], logSigma: [0] })
 * ```
 */
export function createGaussianRbm(params: {
  readonly numVisible: number
  readonly numHidden: number
  readonly weights: ArrayLike<number>
  readonly visibleBias: ArrayLike<number>
  readonly hiddenBias: ArrayLike<number>
  readonly logSigma: ArrayLike<number>
}): GaussianRbm {
  const rbm: GaussianRbm = {
    numVisible: params.numVisible,
    numHidden: params.numHidden,
    weights: Float64Array.from(params.weights),
    visibleBias: Float64Array.from(params.visibleBias),
    hiddenBias: Float64Array.from(params.hiddenBias),
    logSigma: Float64Array.from(params.logSigma),
  }
  checkGaussianRbm('createGaussianRbm', rbm)
  return rbm
}

/** Checks sizes, lengths and finiteness (σ = e^s is then positive). */
export function checkGaussianRbm(op: string, rbm: GaussianRbm): void {
  if (typeof rbm !== 'object' || rbm === null) {
    throw new InvalidArgumentError(op, 'rbm', `must be a Gaussian RBM object, got ${String(rbm)}`)
  }
  const { numVisible: V, numHidden: H } = rbm
  checkPositiveInteger(op, 'rbm.numVisible', V)
  checkPositiveInteger(op, 'rbm.numHidden', H)
  const lengths: [keyof GaussianRbmGradient, number][] = [
    ['weights', V * H],
    ['visibleBias', V],
    ['hiddenBias', H],
    ['logSigma', V],
  ]
  for (const [name, length] of lengths) {
    const values = rbm[name] as ArrayLike<number> | undefined
    if (values?.length !== length) {
      throw new InvalidArgumentError(op, `rbm.${name}`, `must have length ${length}, got ${values?.length}`)
    }
    for (let k = 0; k < length; k++) {
      if (!Number.isFinite(values[k])) {
        throw new InvalidArgumentError(
          op,
          `rbm.${name}`,
          `must hold finite numbers, got ${values[k]} at index ${k}`,
        )
      }
    }
  }
}

/** Checks a [rows, width] array of finite reals and returns the row count. */
function checkRealRows(op: string, argument: string, values: ArrayLike<number>, width: number): number {
  if (values.length === 0 || values.length % width !== 0) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a non-empty row-major [rows, ${width}] array (length a multiple of ${width}), got length ${values.length}`,
    )
  }
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new InvalidArgumentError(op, argument, `must hold finite numbers, got ${values[k]} at index ${k}`)
    }
  }
  return values.length / width
}

/** x_j = c_j + Σ_i (v_i / σ_i) W_ij for one row. */
function hiddenInput(rbm: GaussianRbm, visible: ArrayLike<number>, row: number, out: Float64Array): void {
  const { numVisible: V, numHidden: H, weights } = rbm
  out.set(rbm.hiddenBias)
  for (let i = 0; i < V; i++) {
    const x = visible[row * V + i] / Math.exp(rbm.logSigma[i])
    if (x === 0) continue
    for (let j = 0; j < H; j++) out[j] += x * weights[i * H + j]
  }
}

/**
 * Joint energy E(v, h) of each row pair (formula in the module header).
 *
 * @param rbm - the Gaussian RBM
 * @param visible - v [B, V], real
 * @param hidden - h [B, H], 0/1 (or in [0, 1])
 * @returns Float64Array [B]
 * @throws InvalidArgumentError for bad shapes or values
 * @example
 * ```ts
 * gaussianRbmEnergy(rbm, [0.5, -1], [1, 0, 1])
 * ```
 */
export function gaussianRbmEnergy(
  rbm: GaussianRbm,
  visible: ArrayLike<number>,
  hidden: ArrayLike<number>,
): Float64Array {
  const op = 'gaussianRbmEnergy'
  checkGaussianRbm(op, rbm)
  const rows = checkRealRows(op, 'visible', visible, rbm.numVisible)
  const hiddenRows = checkRealRows(op, 'hidden', hidden, rbm.numHidden)
  if (hiddenRows !== rows) {
    throw new InvalidArgumentError(
      op,
      'hidden',
      `must have as many rows as visible (${rows}), got ${hiddenRows}`,
    )
  }
  const { numVisible: V, numHidden: H, weights } = rbm
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    let e = 0
    for (let j = 0; j < H; j++) e -= rbm.hiddenBias[j] * hidden[r * H + j]
    for (let i = 0; i < V; i++) {
      const sigma = Math.exp(rbm.logSigma[i])
      const v = visible[r * V + i]
      e += (v - rbm.visibleBias[i]) ** 2 / (2 * sigma * sigma)
      let a = 0
      for (let j = 0; j < H; j++) a += weights[i * H + j] * hidden[r * H + j]
      e -= (v / sigma) * a
    }
    out[r] = e
  }
  return out
}

function freeEnergyRow(
  rbm: GaussianRbm,
  visible: ArrayLike<number>,
  row: number,
  input: Float64Array,
): number {
  hiddenInput(rbm, visible, row, input)
  let f = 0
  for (let i = 0; i < rbm.numVisible; i++) {
    const sigma = Math.exp(rbm.logSigma[i])
    f += (visible[row * rbm.numVisible + i] - rbm.visibleBias[i]) ** 2 / (2 * sigma * sigma)
  }
  for (let j = 0; j < rbm.numHidden; j++) f -= softplus(input[j])
  return f
}

/**
 * Free energy F(v) = Σ_i (v_i − b_i)²/(2σ_i²) − Σ_j softplus(c_j + Σ_i (v_i/σ_i) W_ij), so that the
 * density is p(v) = exp(−F(v)) / Z (Hinton 2010, §13.2).
 *
 * @param rbm - the Gaussian RBM
 * @param visible - v [B, V], real
 * @returns Float64Array [B]
 * @throws InvalidArgumentError for a bad shape or non-finite values
 * @example
 * ```ts
 * gaussianRbmFreeEnergy(rbm, [0.1, 0.2, -0.3, 0.4]) // two rows of a V = 2 model
 * ```
 */
export function gaussianRbmFreeEnergy(rbm: GaussianRbm, visible: ArrayLike<number>): Float64Array {
  const op = 'gaussianRbmFreeEnergy'
  checkGaussianRbm(op, rbm)
  const rows = checkRealRows(op, 'visible', visible, rbm.numVisible)
  const input = new Float64Array(rbm.numHidden)
  return Float64Array.from({ length: rows }, (_, r) => freeEnergyRow(rbm, visible, r, input))
}

function hiddenProbabilitiesInternal(
  rbm: GaussianRbm,
  visible: ArrayLike<number>,
  rows: number,
): Float64Array {
  const H = rbm.numHidden
  const out = new Float64Array(rows * H)
  const input = new Float64Array(H)
  for (let r = 0; r < rows; r++) {
    hiddenInput(rbm, visible, r, input)
    for (let j = 0; j < H; j++) out[r * H + j] = sigmoid(input[j])
  }
  return out
}

/**
 * p(h_j = 1 | v) = σ(c_j + Σ_i (v_i / σ_i) W_ij) for each row.
 *
 * @param rbm - the Gaussian RBM
 * @param visible - v [B, V], real
 * @returns Float64Array [B, H]
 * @throws InvalidArgumentError for a bad shape or non-finite values
 * @example
 * ```ts
 * gaussianRbmHiddenProbabilities(rbm, [0.5, -1])
 * ```
 */
export function gaussianRbmHiddenProbabilities(rbm: GaussianRbm, visible: ArrayLike<number>): Float64Array {
  const op = 'gaussianRbmHiddenProbabilities'
  checkGaussianRbm(op, rbm)
  return hiddenProbabilitiesInternal(rbm, visible, checkRealRows(op, 'visible', visible, rbm.numVisible))
}

function visibleMeanInternal(rbm: GaussianRbm, hidden: ArrayLike<number>, rows: number): Float64Array {
  const { numVisible: V, numHidden: H, weights } = rbm
  const out = new Float64Array(rows * V)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < V; i++) {
      let a = 0
      for (let j = 0; j < H; j++) a += weights[i * H + j] * hidden[r * H + j]
      out[r * V + i] = rbm.visibleBias[i] + Math.exp(rbm.logSigma[i]) * a
    }
  }
  return out
}

/**
 * Mean of p(v | h) = N(μ, diag σ²): μ_i = b_i + σ_i Σ_j W_ij h_j; the variance of unit i is σ_i² = e^{2 s_i}.
 *
 * @param rbm - the Gaussian RBM
 * @param hidden - h [B, H] in [0, 1]
 * @returns μ, Float64Array [B, V]
 * @throws InvalidArgumentError for a bad shape or values outside [0, 1]
 * @example
 * ```ts
 * gaussianRbmVisibleMean(rbm, [1, 0, 1])
 * ```
 */
export function gaussianRbmVisibleMean(rbm: GaussianRbm, hidden: ArrayLike<number>): Float64Array {
  const op = 'gaussianRbmVisibleMean'
  checkGaussianRbm(op, rbm)
  const rows = checkRealRows(op, 'hidden', hidden, rbm.numHidden)
  for (let k = 0; k < hidden.length; k++) {
    if (!(hidden[k] >= 0 && hidden[k] <= 1)) {
      throw new InvalidArgumentError(
        op,
        'hidden',
        `must hold values in [0, 1], got ${hidden[k]} at index ${k}`,
      )
    }
  }
  return visibleMeanInternal(rbm, hidden, rows)
}

/**
 * Walks every h ∈ {0,1}^H in Gray-code order; visit(h, a, logWeight) gets a = W h [V] and
 * ln of Σ-term cᵀh + Σ_i (b_i a_i/σ_i + a_i²/2) + Σ_i (½ ln 2π + s_i), whose log-sum-exp is ln Z.
 */
function walkHidden(
  rbm: GaussianRbm,
  visit: (h: Uint8Array, a: Float64Array, logWeight: number) => void,
): void {
  const { numVisible: V, numHidden: H, weights } = rbm
  const sigma = rbm.logSigma.map(Math.exp)
  let constant = 0
  for (let i = 0; i < V; i++) constant += 0.5 * Math.log(2 * Math.PI) + rbm.logSigma[i]
  const h = new Uint8Array(H)
  const a = new Float64Array(V)
  let linear = 0
  const logWeight = (): number => {
    let s = linear + constant
    for (let i = 0; i < V; i++) s += (rbm.visibleBias[i] * a[i]) / sigma[i] + (a[i] * a[i]) / 2
    return s
  }
  visit(h, a, logWeight())
  for (let t = 1; t < 2 ** H; t++) {
    const j = lowestBit(t)
    const sign = h[j] === 0 ? 1 : -1
    h[j] ^= 1
    linear += sign * rbm.hiddenBias[j]
    for (let i = 0; i < V; i++) a[i] += sign * weights[i * H + j]
    visit(h, a, logWeight())
  }
}

function checkEnumerable(op: string, rbm: GaussianRbm): void {
  if (rbm.numHidden > MAX_RBM_ENUMERATED_UNITS) {
    throw new InvalidArgumentError(
      op,
      'rbm',
      `must have at most ${MAX_RBM_ENUMERATED_UNITS} hidden units for exact enumeration, got ${rbm.numHidden}`,
    )
  }
}

function logPartitionInternal(rbm: GaussianRbm): number {
  let m = -Infinity
  let s = 0
  walkHidden(rbm, (_h, _a, lw) => {
    if (lw > m) {
      s = s * Math.exp(m - lw) + 1
      m = lw
    } else s += Math.exp(lw - m)
  })
  return m + Math.log(s)
}

/**
 * Exact ln Z by enumerating the 2^H hidden states and integrating v in closed form:
 * Z = Σ_h exp(cᵀh + Σ_i (b_i a_i / σ_i + a_i² / 2)) Π_i √(2π) σ_i with a = W h.
 *
 * @param rbm - the Gaussian RBM, H ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @returns ln Z
 * @throws InvalidArgumentError when H is too large
 * @example
 * ```ts
 * gaussianRbmLogPartition(rbm)
 * ```
 */
export function gaussianRbmLogPartition(rbm: GaussianRbm): number {
  const op = 'gaussianRbmLogPartition'
  checkGaussianRbm(op, rbm)
  checkEnumerable(op, rbm)
  return logPartitionInternal(rbm)
}

/**
 * Exact log density ln p(v) = −F(v) − ln Z of each row (nats; a density, so it can be positive).
 *
 * @param rbm - the Gaussian RBM, H ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @param visible - v [B, V]
 * @returns Float64Array [B]
 * @throws InvalidArgumentError for bad input or H too large
 * @example
 * ```ts
 * gaussianRbmLogDensity(rbm, [0.3, -0.2])
 * ```
 */
export function gaussianRbmLogDensity(rbm: GaussianRbm, visible: ArrayLike<number>): Float64Array {
  const op = 'gaussianRbmLogDensity'
  checkGaussianRbm(op, rbm)
  checkEnumerable(op, rbm)
  const logZ = logPartitionInternal(rbm)
  return gaussianRbmFreeEnergy(rbm, visible).map((f) => -f - logZ)
}

function zeroGradient(rbm: GaussianRbm): GaussianRbmGradient {
  return {
    weights: new Float64Array(rbm.numVisible * rbm.numHidden),
    visibleBias: new Float64Array(rbm.numVisible),
    hiddenBias: new Float64Array(rbm.numHidden),
    logSigma: new Float64Array(rbm.numVisible),
  }
}

/**
 * Adds sign/rows · Σ_r S(v_r) with S = −∂F/∂θ:
 * S_W = (v_i/σ_i) p_j, S_b = (v_i − b_i)/σ_i², S_c = p_j, S_s = (v_i − b_i)²/σ_i² − (v_i/σ_i) Σ_j W_ij p_j.
 */
function addFreeEnergyStatistics(
  rbm: GaussianRbm,
  phase: { readonly visible: ArrayLike<number>; readonly rows: number },
  sign: number,
  out: GaussianRbmGradient,
): void {
  const { numVisible: V, numHidden: H, weights } = rbm
  const { visible, rows } = phase
  const p = hiddenProbabilitiesInternal(rbm, visible, rows)
  const scale = sign / rows
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < V; i++) {
      const sigma = Math.exp(rbm.logSigma[i])
      const v = visible[r * V + i]
      const x = v / sigma
      let wp = 0
      for (let j = 0; j < H; j++) {
        out.weights[i * H + j] += scale * x * p[r * H + j]
        wp += weights[i * H + j] * p[r * H + j]
      }
      const d = (v - rbm.visibleBias[i]) / sigma
      out.visibleBias[i] += (scale * d) / sigma
      out.logSigma[i] += scale * (d * d - x * wp)
    }
    for (let j = 0; j < H; j++) out.hiddenBias[j] += scale * p[r * H + j]
  }
}

/**
 * Exact gradient of the mean log density (1/B) Σ_b ln p(v_b) by enumerating h and integrating v:
 * g = <S>_data − <S>_model with S = −∂F/∂θ on the data (see the code) and, per hidden state with
 * weight p(h) and a = W h, the Gaussian moments
 * E[(v_i/σ_i) h_j | h] = h_j (b_i/σ_i + a_i), E[(v_i − b_i)/σ_i² | h] = a_i/σ_i, and
 * E[−∂E/∂s_i | h] = 1 − b_i a_i / σ_i.
 *
 * @param rbm - the Gaussian RBM, H ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @param data - v [B, V]
 * @returns `gradient` (ascent direction) and `logLikelihood`, the mean ln p(v)
 * @throws InvalidArgumentError for bad input or H too large
 * @example
 * ```ts
 * const { gradient, logLikelihood } = gaussianRbmExactGradient(rbm, data)
 * ```
 */
export function gaussianRbmExactGradient(
  rbm: GaussianRbm,
  data: ArrayLike<number>,
): { readonly gradient: GaussianRbmGradient; readonly logLikelihood: number } {
  const op = 'gaussianRbmExactGradient'
  checkGaussianRbm(op, rbm)
  checkEnumerable(op, rbm)
  const rows = checkRealRows(op, 'data', data, rbm.numVisible)
  const { numVisible: V, numHidden: H } = rbm
  const logZ = logPartitionInternal(rbm)
  const gradient = zeroGradient(rbm)
  addFreeEnergyStatistics(rbm, { visible: data, rows }, 1, gradient)
  const sigma = rbm.logSigma.map(Math.exp)
  walkHidden(rbm, (h, a, lw) => {
    const p = Math.exp(lw - logZ)
    if (p === 0) return
    for (let i = 0; i < V; i++) {
      const meanOverSigma = rbm.visibleBias[i] / sigma[i] + a[i]
      for (let j = 0; j < H; j++) if (h[j] === 1) gradient.weights[i * H + j] -= p * meanOverSigma
      gradient.visibleBias[i] -= (p * a[i]) / sigma[i]
      gradient.logSigma[i] -= p * (1 - (rbm.visibleBias[i] * a[i]) / sigma[i])
    }
    for (let j = 0; j < H; j++) if (h[j] === 1) gradient.hiddenBias[j] -= p
  })
  const input = new Float64Array(H)
  let logLikelihood = 0
  for (let r = 0; r < rows; r++) logLikelihood += (-freeEnergyRow(rbm, data, r, input) - logZ) / rows
  return { gradient, logLikelihood }
}

/**
 * Options of the Gaussian RBM samplers.
 *
 * @example
 * ```ts
 * const options: GaussianRbmSamplingOptions = { key: key(0), numSteps: 10 }
 * ```
 */
export interface GaussianRbmSamplingOptions {
  /**
   * Key of the chain. Step t draws the hidden uniforms `uniformFloats(fold(key, 2t), B·H, 'float64')`
   * and the visible noise z = `normalFloats(fold(key, 2t + 1), B·V, 'float64')`, v = μ + σ ⊙ z.
   */
  readonly key: Key
  /** Block-Gibbs steps k ≥ 1 (default 1). */
  readonly numSteps?: number
}

function runChain(
  rbm: GaussianRbm,
  start: ArrayLike<number>,
  rows: number,
  chain: { readonly key: Key; readonly numSteps: number },
): { visible: Float64Array; hidden: Float64Array } {
  const { numVisible: V, numHidden: H } = rbm
  let visible: ArrayLike<number> = start
  let hidden = new Float64Array(rows * H)
  for (let t = 0; t < chain.numSteps; t++) {
    const p = hiddenProbabilitiesInternal(rbm, visible, rows)
    const u = uniformFloats(fold(chain.key, 2 * t), rows * H, 'float64')
    hidden = p.map((x, q) => (u[q] < x ? 1 : 0))
    const mean = visibleMeanInternal(rbm, hidden, rows)
    const z = normalFloats(fold(chain.key, 2 * t + 1), rows * V, 'float64')
    visible = mean.map((m, q) => m + Math.exp(rbm.logSigma[q % V]) * z[q])
  }
  return { visible: visible as Float64Array, hidden }
}

/**
 * Block Gibbs sampling from each row: h^t ~ p(h | v^t), v^{t+1} ~ N(b + σ ⊙ W h^t, σ²).
 *
 * @param rbm - the Gaussian RBM
 * @param visible - starting rows [C, V]
 * @param options - {@link GaussianRbmSamplingOptions}
 * @returns `visible` v^k [C, V] and `hidden` h^{k−1} [C, H]
 * @throws InvalidArgumentError for bad input or numSteps < 1
 * @example
 * ```ts
 * const { visible } = gaussianRbmGibbsSample(rbm, new Float64Array(100 * rbm.numVisible), { key: key(2), numSteps: 100 })
 * ```
 */
export function gaussianRbmGibbsSample(
  rbm: GaussianRbm,
  visible: ArrayLike<number>,
  options: GaussianRbmSamplingOptions,
): { readonly visible: Float64Array; readonly hidden: Float64Array } {
  const op = 'gaussianRbmGibbsSample'
  checkOptions(op, options)
  checkGaussianRbm(op, rbm)
  const rows = checkRealRows(op, 'visible', visible, rbm.numVisible)
  const numSteps = options.numSteps ?? 1
  checkPositiveInteger(op, 'numSteps', numSteps)
  return runChain(rbm, visible, rows, { key: options.key, numSteps })
}

/**
 * Exact independent samples for small H: h from p(h) by enumeration, then v ~ p(v | h).
 * The draw uses `uniformFloats(fold(key, 0), count)` for h (inverse CDF over the Gray-code order)
 * and `normalFloats(fold(key, 1), count·V)` for v.
 *
 * @param rbm - the Gaussian RBM, H ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @param count - number of samples
 * @param k - key
 * @returns v [count, V]
 * @throws InvalidArgumentError for bad count or H too large
 * @example
 * ```ts
 * const data = gaussianRbmExactSamples(teacher, 1000, key(3))
 * ```
 */
export function gaussianRbmExactSamples(rbm: GaussianRbm, count: number, k: Key): Float64Array {
  const op = 'gaussianRbmExactSamples'
  checkGaussianRbm(op, rbm)
  checkEnumerable(op, rbm)
  checkPositiveInteger(op, 'count', count)
  const { numVisible: V, numHidden: H } = rbm
  const logZ = logPartitionInternal(rbm)
  const states: Uint8Array[] = []
  const cumulative: number[] = []
  let total = 0
  walkHidden(rbm, (h, _a, lw) => {
    total += Math.exp(lw - logZ)
    states.push(Uint8Array.from(h))
    cumulative.push(total)
  })
  const u = uniformFloats(fold(k, 0), count, 'float64')
  const hidden = new Float64Array(count * H)
  for (let n = 0; n < count; n++) {
    // binary search for the first cumulative weight above u·total (total ≈ 1 up to rounding)
    let lo = 0
    let hi = cumulative.length - 1
    const target = u[n] * total
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] > target) hi = mid
      else lo = mid + 1
    }
    for (let j = 0; j < H; j++) hidden[n * H + j] = states[lo][j]
  }
  const mean = visibleMeanInternal(rbm, hidden, count)
  const z = normalFloats(fold(k, 1), count * V, 'float64')
  return mean.map((m, q) => m + Math.exp(rbm.logSigma[q % V]) * z[q])
}

/**
 * A CD-k (or PCD) gradient estimate for a Gaussian RBM: g = <S>_data − <S>_chain with
 * S = −∂F/∂θ evaluated at the data and at the chain's v^k (hidden probabilities in both phases,
 * as {@link rbmContrastiveDivergence} does). Pass `chains` for PCD (Tieleman 2008); without them
 * the chain starts at the data (CD-k, Hinton 2002).
 *
 * @param rbm - the Gaussian RBM
 * @param data - v [B, V]
 * @param options - {@link GaussianRbmSamplingOptions} plus optional persistent `chains` [C, V]
 * @returns `gradient` and `negative` (v^k, the new chains for PCD)
 * @throws InvalidArgumentError for bad input or numSteps < 1
 * @example
 * ```ts
 * const { gradient } = gaussianRbmContrastiveDivergence(rbm, batch, { key: fold(key(0), step) })
 * ```
 */
export function gaussianRbmContrastiveDivergence(
  rbm: GaussianRbm,
  data: ArrayLike<number>,
  options: GaussianRbmSamplingOptions & { readonly chains?: ArrayLike<number> },
): { readonly gradient: GaussianRbmGradient; readonly negative: Float64Array } {
  const op = 'gaussianRbmContrastiveDivergence'
  checkOptions(op, options)
  checkGaussianRbm(op, rbm)
  const rows = checkRealRows(op, 'data', data, rbm.numVisible)
  const numSteps = options.numSteps ?? 1
  checkPositiveInteger(op, 'numSteps', numSteps)
  const start = options.chains ?? data
  const startRows =
    options.chains === undefined ? rows : checkRealRows(op, 'chains', options.chains, rbm.numVisible)
  const { visible } = runChain(rbm, start, startRows, { key: options.key, numSteps })
  const gradient = zeroGradient(rbm)
  addFreeEnergyStatistics(rbm, { visible: data, rows }, 1, gradient)
  addFreeEnergyStatistics(rbm, { visible, rows: startRows }, -1, gradient)
  return { gradient, negative: visible }
}
