// Bernoulli–Bernoulli restricted Boltzmann machine (Smolensky 1986; Hinton 2002) as plain data
// and pure functions. Units are binary, v ∈ {0,1}^V, h ∈ {0,1}^H:
//
//   E(v, h) = −bᵀv − cᵀh − vᵀWh,   p(v, h) = exp(−E(v, h)) / Z
//   F(v) = −bᵀv − Σ_j softplus(c_j + vᵀW_{:,j}),   p(v) = exp(−F(v)) / Z
//   p(h_j = 1 | v) = σ(c_j + vᵀW_{:,j}),   p(v_i = 1 | h) = σ(b_i + W_{i,:} h)
//
// Legend: W = weights [V, H] row-major (entry i*H + j), b = visibleBias [V], c = hiddenBias [H];
// a batch of visible vectors is row-major [B, V], of hidden vectors [B, H].
import {
  checkOptions,
  fold,
  InvalidArgumentError,
  normalFloats,
  ShapeError,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'

import { bernoulliBits } from './internal/draws'
import { checkPositiveInteger, lowestBit, sigmoid, softplus } from './internal/numeric'
import {
  productBackend,
  sparsePhaseProduct,
  transposedProduct,
  weightProducts,
  type WeightProducts,
} from './internal/products'

/**
 * Largest layer that exact enumeration sums over: log Z costs O(2^min(V, H) · max(V, H)).
 *
 * @example
 * ```ts
 * const exact = Math.min(numVisible, numHidden) <= MAX_RBM_ENUMERATED_UNITS
 * ```
 */
export const MAX_RBM_ENUMERATED_UNITS = 25

/**
 * Configuration of a Bernoulli–Bernoulli RBM: the two layer sizes.
 *
 * @example
 * ```ts
 * const config: RbmConfig = { numVisible: 784, numHidden: 500 }
 * ```
 */
export interface RbmConfig {
  /** Visible units V ≥ 1. */
  readonly numVisible: number
  /** Hidden units H ≥ 1. */
  readonly numHidden: number
}

/**
 * Parameters of a Bernoulli–Bernoulli RBM: a plain object of Float64Arrays (JSON-friendly through
 * `Array.from`). Float64 because exact log Z, enumeration oracles and long Gibbs chains are scalar
 * loops where float64 costs nothing and keeps the oracles exact to ~1e-12.
 *
 * Shapes: `weights` [V, H] row-major (W_ij at i·H + j), `visibleBias` [V], `hiddenBias` [H].
 *
 * @example
 * ```ts
 * const rbm = initRbm({ numVisible: 6, numHidden: 4 }, { key: key(0) })
 * rbm.weights.length // 24
 * ```
 */
export interface Rbm {
  /** V. */
  readonly numVisible: number
  /** H. */
  readonly numHidden: number
  /** W, [V, H] row-major. */
  readonly weights: Float64Array
  /** b, [V]. */
  readonly visibleBias: Float64Array
  /** c, [H]. */
  readonly hiddenBias: Float64Array
}

/**
 * A gradient (or update) with the shapes of {@link Rbm}'s parameters.
 *
 * @example
 * ```ts
 * const { weights, visibleBias, hiddenBias } = rbmExactGradient(rbm, data)
 * ```
 */
export interface RbmGradient {
  /** ∂/∂W, [V, H] row-major. */
  readonly weights: Float64Array
  /** ∂/∂b, [V]. */
  readonly visibleBias: Float64Array
  /** ∂/∂c, [H]. */
  readonly hiddenBias: Float64Array
}

/**
 * Checks an RBM configuration.
 *
 * @param config - the layer sizes
 * @returns nothing
 * @throws InvalidArgumentError when a size is not a positive integer
 * @example
 * ```ts
 * validateRbmConfig({ numVisible: 4, numHidden: 3 })
 * ```
 */
export function validateRbmConfig(config: RbmConfig): void {
  checkPositiveInteger('validateRbmConfig', 'numVisible', config.numVisible)
  checkPositiveInteger('validateRbmConfig', 'numHidden', config.numHidden)
}

/**
 * Options of {@link initRbm}.
 *
 * @example
 * ```ts
 * const options: InitRbmOptions = { key: key(1), initScale: 0.01 }
 * ```
 */
export interface InitRbmOptions {
  /** Key of the initial weights. */
  readonly key: Key
  /** Standard deviation σ of W_ij ~ N(0, σ²) (default 0.01, Hinton 2010 "A practical guide", §8). */
  readonly initScale?: number
}

/**
 * Makes an RBM with W_ij ~ N(0, initScale²) and zero biases.
 *
 * @param config - layer sizes V and H
 * @param options - `key` and `initScale` (default 0.01)
 * @returns a new {@link Rbm}
 * @throws InvalidArgumentError for bad sizes or a negative/non-finite initScale
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * const rbm = initRbm({ numVisible: 6, numHidden: 4 }, { key: key(0), initScale: 0.1 })
 * ```
 */
export function initRbm(config: RbmConfig, options: InitRbmOptions): Rbm {
  checkOptions('initRbm', options)
  validateRbmConfig(config)
  const scale = options.initScale ?? 0.01
  if (!(Number.isFinite(scale) && scale >= 0)) {
    throw new InvalidArgumentError('initRbm', 'initScale', `must be a finite number >= 0, got ${scale}`)
  }
  const { numVisible, numHidden } = config
  const weights = normalFloats(options.key, numVisible * numHidden, 'float64')
  for (let i = 0; i < weights.length; i++) weights[i] *= scale
  return {
    numVisible,
    numHidden,
    weights,
    visibleBias: new Float64Array(numVisible),
    hiddenBias: new Float64Array(numHidden),
  }
}

/**
 * Makes an RBM from given parameters, copied into Float64Arrays after their shapes are checked.
 *
 * @param params - `numVisible`, `numHidden`, `weights` [V·H] row-major, `visibleBias` [V], `hiddenBias` [H]
 * @returns a new {@link Rbm}
 * @throws ShapeError when an array has the wrong length; InvalidArgumentError for non-finite entries
 * @example
 * ```ts
 * const rbm = createRbm({ numVisible: 2, numHidden: 1, weights: [1, -1], visibleBias: [0, 0], hiddenBias: [0.5] })
 * ```
 */
export function createRbm(params: {
  readonly numVisible: number
  readonly numHidden: number
  readonly weights: ArrayLike<number>
  readonly visibleBias: ArrayLike<number>
  readonly hiddenBias: ArrayLike<number>
}): Rbm {
  validateRbmConfig(params)
  const rbm: Rbm = {
    numVisible: params.numVisible,
    numHidden: params.numHidden,
    weights: Float64Array.from(params.weights),
    visibleBias: Float64Array.from(params.visibleBias),
    hiddenBias: Float64Array.from(params.hiddenBias),
  }
  checkRbm('createRbm', rbm)
  return rbm
}

function checkParameter(op: string, name: string, values: ArrayLike<number>, shape: readonly number[]): void {
  const length = shape.reduce((a, b) => a * b, 1)
  if (values.length !== length) {
    throw new ShapeError(
      op,
      `${name} must have shape [${shape.join(', ')}] (${length} entries), got ${values.length} entries`,
      [[values.length]],
    )
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InvalidArgumentError(op, name, `must hold finite numbers, got ${values[i]} at index ${i}`)
    }
  }
}

function checkRbm(op: string, rbm: Rbm): void {
  const { numVisible: v, numHidden: h } = rbm
  if (!(Number.isInteger(v) && v >= 1 && Number.isInteger(h) && h >= 1)) {
    throw new InvalidArgumentError(
      op,
      'rbm',
      `must have positive integer numVisible and numHidden, got ${v} and ${h}`,
    )
  }
  checkParameter(op, 'rbm.weights', rbm.weights, [v, h])
  checkParameter(op, 'rbm.visibleBias', rbm.visibleBias, [v])
  checkParameter(op, 'rbm.hiddenBias', rbm.hiddenBias, [h])
}

/** Checks a row-major [rows, width] batch and returns the row count; `binary` asks for 0/1, else [0, 1]. */
function checkBatch(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  layout: { readonly width: number; readonly binary: boolean },
): number {
  const { width, binary } = layout
  if (values.length === 0 || values.length % width !== 0) {
    throw new ShapeError(
      op,
      `${argument} must be a non-empty row-major [batch, ${width}] array (length a multiple of ${width}), got length ${values.length}`,
      [[values.length]],
    )
  }
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    if (binary ? x !== 0 && x !== 1 : !(x >= 0 && x <= 1)) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold ${binary ? 'only 0 and 1' : 'values in [0, 1]'}, got ${x} at index ${i}`,
      )
    }
  }
  return values.length / width
}

function checkSteps(op: string, numSteps: number): void {
  checkPositiveInteger(op, 'numSteps', numSteps)
}

/** a_j = c_j + Σ_i v_i W_ij for one row of v. */
function hiddenField(rbm: Rbm, visible: ArrayLike<number>, row: number, out: Float64Array): void {
  const { numVisible: V, numHidden: H, weights } = rbm
  out.set(rbm.hiddenBias)
  for (let i = 0; i < V; i++) {
    const x = visible[row * V + i]
    if (x === 0) continue
    const base = i * H
    for (let j = 0; j < H; j++) out[j] += x * weights[base + j]
  }
}

function freeEnergyRow(rbm: Rbm, visible: ArrayLike<number>, row: number, field: Float64Array): number {
  hiddenField(rbm, visible, row, field)
  let f = 0
  for (let i = 0; i < rbm.numVisible; i++) f -= rbm.visibleBias[i] * visible[row * rbm.numVisible + i]
  for (let j = 0; j < rbm.numHidden; j++) f -= softplus(field[j])
  return f
}

/**
 * Free energy of each visible row: F(v) = −bᵀv − Σ_j softplus(c_j + vᵀW_{:,j}), so that
 * p(v) = exp(−F(v)) / Z (Hinton 2010, "A practical guide to training RBMs", eq. 15).
 *
 * @param rbm - the RBM
 * @param visible - [B, V] row-major, entries in [0, 1]
 * @returns Float64Array [B]
 * @throws ShapeError when the length is not a multiple of V; InvalidArgumentError for entries outside [0, 1]
 * @example
 * ```ts
 * rbmFreeEnergy(rbm, [1, 0, 1, 1, 0, 0]) // one value per row
 * ```
 */
export function rbmFreeEnergy(rbm: Rbm, visible: ArrayLike<number>): Float64Array {
  const op = 'rbmFreeEnergy'
  checkRbm(op, rbm)
  const rows = checkBatch(op, 'visible', visible, { width: rbm.numVisible, binary: false })
  const field = new Float64Array(rbm.numHidden)
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) out[r] = freeEnergyRow(rbm, visible, r, field)
  return out
}

/**
 * Gray-code walk over every state of the smaller layer. For each state x it calls
 * visit(x, field, logWeight): summing over v, field = c + vᵀW [H] and logWeight = −F(v); summing
 * over h, field = b + W h [V] and logWeight = cᵀh + Σ_i softplus(field_i). Either way
 * Σ exp(logWeight) = Z. Exported for src/ais (exact samples), not from the package index.
 *
 * @internal
 */
export function walkSmallerLayer(
  rbm: Rbm,
  visit: (x: Uint8Array, field: Float64Array, logWeight: number) => void,
): 'visible' | 'hidden' {
  const { numVisible: V, numHidden: H, weights } = rbm
  const side = V <= H ? 'visible' : 'hidden'
  const size = side === 'visible' ? V : H
  const other = side === 'visible' ? H : V
  const ownBias = side === 'visible' ? rbm.visibleBias : rbm.hiddenBias
  const field = Float64Array.from(side === 'visible' ? rbm.hiddenBias : rbm.visibleBias)
  const x = new Uint8Array(size)
  let linear = 0
  // Σ_k softplus(x_k) = Σ_k max(x_k, 0) + ln Π_k (1 + e^{−|x_k|}): one exp per unit and one log
  // per block of 1000 (each factor is at most 2, and 2^1000 < 1.8e308), twice as fast as
  // softplus per unit, which is what 2^20 states × 784 units of an MNIST RBM cost
  const logWeight = (): number => {
    let s = linear
    let product = 1
    for (let k = 0; k < other; k++) {
      const x = field[k]
      if (x > 0) {
        s += x
        product *= 1 + Math.exp(-x)
      } else {
        product *= 1 + Math.exp(x)
      }
      if (k % 1000 === 999) {
        s += Math.log(product)
        product = 1
      }
    }
    return s + Math.log(product)
  }
  visit(x, field, logWeight())
  const count = 2 ** size
  for (let t = 1; t < count; t++) {
    const k = lowestBit(t)
    const sign = x[k] === 0 ? 1 : -1
    x[k] ^= 1
    linear += sign * ownBias[k]
    if (side === 'visible') {
      const base = k * H
      for (let j = 0; j < H; j++) field[j] += sign * weights[base + j]
    } else {
      for (let i = 0; i < V; i++) field[i] += sign * weights[i * H + k]
    }
    visit(x, field, logWeight())
  }
  return side
}

function checkEnumerableRbm(op: string, rbm: Rbm): void {
  const smaller = Math.min(rbm.numVisible, rbm.numHidden)
  if (smaller > MAX_RBM_ENUMERATED_UNITS) {
    throw new InvalidArgumentError(
      op,
      'rbm',
      `must have a layer of at most ${MAX_RBM_ENUMERATED_UNITS} units for exact enumeration, got min(V, H) = ${smaller}`,
    )
  }
}

function logPartitionInternal(rbm: Rbm): number {
  // running log-sum-exp, so no 2^n buffer is needed
  let m = -Infinity
  let s = 0
  walkSmallerLayer(rbm, (_x, _field, lw) => {
    if (lw > m) {
      s = s * Math.exp(m - lw) + 1
      m = lw
    } else {
      s += Math.exp(lw - m)
    }
  })
  return m + Math.log(s)
}

/**
 * Exact log partition function ln Z = ln Σ_{v,h} exp(−E(v, h)), summing analytically over the
 * larger layer and enumerating the 2^min(V,H) states of the smaller one:
 * Z = Σ_v exp(−F(v)) = Σ_h exp(cᵀh + Σ_i softplus(b_i + W_{i,:}h)).
 *
 * @param rbm - the RBM, with min(V, H) ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @returns ln Z
 * @throws InvalidArgumentError when both layers are larger than the enumeration limit
 * @example
 * ```ts
 * const logZ = rbmLogPartition(initRbm({ numVisible: 784, numHidden: 20 }, { key: key(0) }))
 * ```
 */
export function rbmLogPartition(rbm: Rbm): number {
  const op = 'rbmLogPartition'
  checkRbm(op, rbm)
  checkEnumerableRbm(op, rbm)
  return logPartitionInternal(rbm)
}

/**
 * Exact ln p(v) = −F(v) − ln Z for each binary visible row.
 *
 * @param rbm - the RBM, with min(V, H) ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @param visible - [B, V] row-major of 0/1
 * @returns Float64Array [B] of log-probabilities
 * @throws ShapeError for a bad length; InvalidArgumentError for non-binary entries or layers too large
 * @example
 * ```ts
 * Math.exp(rbmLogProbability(rbm, [1, 0, 1, 1])[0]) // p(v = 1011)
 * ```
 */
export function rbmLogProbability(rbm: Rbm, visible: ArrayLike<number>): Float64Array {
  const op = 'rbmLogProbability'
  checkRbm(op, rbm)
  checkBatch(op, 'visible', visible, { width: rbm.numVisible, binary: true })
  checkEnumerableRbm(op, rbm)
  const logZ = logPartitionInternal(rbm)
  const out = rbmFreeEnergy(rbm, visible)
  for (let r = 0; r < out.length; r++) out[r] = -out[r] - logZ
  return out
}

/**
 * Exact mean log-likelihood (1/B) Σ_b ln p(v_b) in nats.
 *
 * @param rbm - the RBM, with min(V, H) ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @param data - [B, V] row-major of 0/1
 * @returns the mean log-likelihood (≤ 0)
 * @throws ShapeError for a bad length; InvalidArgumentError for non-binary entries or layers too large
 * @example
 * ```ts
 * rbmLogLikelihood(rbm, data) // e.g. −2.7
 * ```
 */
export function rbmLogLikelihood(rbm: Rbm, data: ArrayLike<number>): number {
  const lp = rbmLogProbability(rbm, data)
  return lp.reduce((a, b) => a + b, 0) / lp.length
}

/**
 * Where the dense products of the sampling and training functions run.
 *
 * @example
 * ```ts
 * const options: RbmBackendOptions = { backend: reference } // float64, for exact small-model checks
 * ```
 */
export interface RbmBackendOptions {
  /**
   * Backend of the products vW, hWᵀ and vᵀp (default core-tensor's `cpu`: float32 WebAssembly
   * SIMD matmul). The reference backend computes them in float64. Biases, sigmoids and draws
   * are float64 either way.
   */
  readonly backend?: BackendV1
}

/**
 * Hidden probabilities p(h_j = 1 | v) = σ(c_j + vᵀW_{:,j}) for each visible row.
 *
 * @param rbm - the RBM
 * @param visible - [B, V] row-major, entries in [0, 1]
 * @param options - {@link RbmBackendOptions}
 * @returns Float64Array [B, H]
 * @throws ShapeError for a bad length; InvalidArgumentError for entries outside [0, 1]
 * @example
 * ```ts
 * rbmHiddenProbabilities(rbm, [1, 0, 1, 1])
 * ```
 */
export function rbmHiddenProbabilities(
  rbm: Rbm,
  visible: ArrayLike<number>,
  options: RbmBackendOptions = {},
): Float64Array {
  const op = 'rbmHiddenProbabilities'
  checkRbm(op, rbm)
  const rows = checkBatch(op, 'visible', visible, { width: rbm.numVisible, binary: false })
  const products = weightProducts(rbm.weights, rbm, productBackend(options.backend))
  try {
    return hiddenProbabilitiesInternal(rbm, visible, rows, products)
  } finally {
    products.dispose()
  }
}

/**
 * σ(c + vW) for [rows, V] visible rows, with the product on `products`' backend.
 *
 * @internal
 */
export function hiddenProbabilitiesInternal(
  rbm: Rbm,
  visible: ArrayLike<number>,
  rows: number,
  products: WeightProducts,
): Float64Array {
  const H = rbm.numHidden
  const c = rbm.hiddenBias
  const field = products.right(visible, rows)
  const out = new Float64Array(rows * H)
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) out[r * H + j] = sigmoid(c[j] + field[r * H + j])
  }
  return out
}

/**
 * Visible probabilities p(v_i = 1 | h) = σ(b_i + W_{i,:} h) for each hidden row.
 *
 * @param rbm - the RBM
 * @param hidden - [B, H] row-major, entries in [0, 1]
 * @param options - {@link RbmBackendOptions}
 * @returns Float64Array [B, V]
 * @throws ShapeError for a bad length; InvalidArgumentError for entries outside [0, 1]
 * @example
 * ```ts
 * rbmVisibleProbabilities(rbm, [0, 1, 1])
 * ```
 */
export function rbmVisibleProbabilities(
  rbm: Rbm,
  hidden: ArrayLike<number>,
  options: RbmBackendOptions = {},
): Float64Array {
  const op = 'rbmVisibleProbabilities'
  checkRbm(op, rbm)
  const rows = checkBatch(op, 'hidden', hidden, { width: rbm.numHidden, binary: false })
  const products = weightProducts(rbm.weights, rbm, productBackend(options.backend))
  try {
    return visibleProbabilitiesInternal(rbm, hidden, rows, products)
  } finally {
    products.dispose()
  }
}

/**
 * σ(b + hWᵀ) for [rows, H] hidden rows, with the product on `products`' backend.
 *
 * @internal
 */
export function visibleProbabilitiesInternal(
  rbm: Rbm,
  hidden: ArrayLike<number>,
  rows: number,
  products: WeightProducts,
): Float64Array {
  const V = rbm.numVisible
  const b = rbm.visibleBias
  const field = products.left(hidden, rows)
  const out = new Float64Array(rows * V)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < V; i++) out[r * V + i] = sigmoid(b[i] + field[r * V + i])
  }
  return out
}

/** x_k = 1 when u_k < p_k: one Bernoulli draw per entry from the uniforms of `k`. */
function bernoulli(probabilities: Float64Array, k: Key): Float64Array {
  return bernoulliBits(probabilities, k)
}

interface ChainResult {
  readonly visible: Float64Array
  readonly hidden: Float64Array
}

/**
 * numSteps block-Gibbs steps from `start` [rows, V] whose hidden probabilities are `p`; step t
 * draws h from fold(key, 2t) and v from fold(key, 2t + 1). Also returns σ(c + vW) of the end.
 */
function runChain(
  rbm: Rbm,
  start: { readonly visible: ArrayLike<number>; readonly p: Float64Array; readonly rows: number },
  chain: { readonly key: Key; readonly numSteps: number },
  products: WeightProducts,
): ChainResult & { readonly p: Float64Array } {
  const { key: k, numSteps } = chain
  const { rows } = start
  let visible: ArrayLike<number> = start.visible
  let p = start.p
  let hidden: Float64Array = new Float64Array(0)
  for (let t = 0; t < numSteps; t++) {
    if (t > 0) p = hiddenProbabilitiesInternal(rbm, visible, rows, products)
    hidden = bernoulli(p, fold(k, 2 * t))
    visible = bernoulli(visibleProbabilitiesInternal(rbm, hidden, rows, products), fold(k, 2 * t + 1))
  }
  return { visible: visible as Float64Array, hidden, p }
}

/**
 * Options of the sampling functions ({@link rbmGibbsSample}, {@link rbmContrastiveDivergence},
 * {@link rbmPersistentContrastiveDivergence}).
 *
 * @example
 * ```ts
 * const options: RbmSamplingOptions = { key: key(3), numSteps: 1 }
 * ```
 */
export interface RbmSamplingOptions extends RbmBackendOptions {
  /**
   * Key of the chain. Step t (0-based) draws its hidden uniforms as
   * `uniformFloats(fold(key, 2t), B·H, 'float64')` and its visible uniforms as
   * `uniformFloats(fold(key, 2t + 1), B·V, 'float64')`; a unit is 1 when its uniform is below
   * its probability.
   */
  readonly key: Key
  /** Block-Gibbs steps k ≥ 1 (default 1). */
  readonly numSteps?: number
}

/**
 * Block Gibbs sampling: from each visible row v⁰, k alternating steps h^t ~ p(h | v^t),
 * v^{t+1} ~ p(v | h^t) (Geman & Geman 1984; Hinton 2002).
 *
 * @param rbm - the RBM
 * @param visible - starting states [C, V] row-major, entries in [0, 1] (probabilities allowed)
 * @param options - {@link RbmSamplingOptions}
 * @returns `visible` v^k [C, V] and `hidden` h^{k−1} [C, H], the hidden sample that produced v^k
 *   (at equilibrium the pair is a draw from p(v, h))
 * @throws ShapeError for a bad length; InvalidArgumentError for entries outside [0, 1] or numSteps < 1
 * @example
 * ```ts
 * const { visible } = rbmGibbsSample(rbm, new Float64Array(100 * rbm.numVisible), { key: key(1), numSteps: 50 })
 * ```
 */
export function rbmGibbsSample(
  rbm: Rbm,
  visible: ArrayLike<number>,
  options: RbmSamplingOptions,
): { readonly visible: Float64Array; readonly hidden: Float64Array } {
  const op = 'rbmGibbsSample'
  checkRbm(op, rbm)
  const rows = checkBatch(op, 'visible', visible, { width: rbm.numVisible, binary: false })
  const numSteps = options.numSteps ?? 1
  checkSteps(op, numSteps)
  const products = weightProducts(rbm.weights, rbm, productBackend(options.backend))
  try {
    const p = hiddenProbabilitiesInternal(rbm, visible, rows, products)
    const { visible: v, hidden } = runChain(
      rbm,
      { visible, p, rows },
      { key: options.key, numSteps },
      products,
    )
    return { visible: v, hidden }
  } finally {
    products.dispose()
  }
}

interface Phase {
  /** Visible rows [rows, V]. */
  readonly v: ArrayLike<number>
  /** Hidden probabilities σ(vW + c) of those rows, [rows, H]. */
  readonly p: Float64Array
  readonly rows: number
}

function zeroGradient(rbm: Rbm): RbmGradient {
  return {
    weights: new Float64Array(rbm.numVisible * rbm.numHidden),
    visibleBias: new Float64Array(rbm.numVisible),
    hiddenBias: new Float64Array(rbm.numHidden),
  }
}

/** Adds sign/rows · (vᵀP, Σ v, Σ P) of one phase to `out`. */
function addPhase(rbm: Rbm, phase: Phase, sign: number, out: RbmGradient): void {
  const { numVisible: V, numHidden: H } = rbm
  const scale = sign / phase.rows
  for (let r = 0; r < phase.rows; r++) {
    for (let i = 0; i < V; i++) {
      const x = phase.v[r * V + i]
      if (x === 0) continue
      out.visibleBias[i] += scale * x
      for (let j = 0; j < H; j++) out.weights[i * H + j] += scale * x * phase.p[r * H + j]
    }
    for (let j = 0; j < H; j++) out.hiddenBias[j] += scale * phase.p[r * H + j]
  }
}

/**
 * (1/B) v₊ᵀP₊ − (1/C) v₋ᵀP₋ and the matching bias terms. The weight term is one product on the
 * backend, Xᵀ Y with X = [v₊; v₋] [B + C, V] and Y = [P₊ / B; −P₋ / C] [B + C, H].
 */
// eslint-disable-next-line max-params -- the two phases, the backend and an optional weights buffer
function statisticsDifference(
  rbm: Rbm,
  positive: Phase,
  negative: Phase,
  backend: BackendV1,
  weightsInto?: Float64Array,
): RbmGradient {
  const { numVisible: V, numHidden: H } = rbm
  const sparse = sparsePhaseProduct(
    [
      { ...positive, scale: 1 / positive.rows },
      { ...negative, scale: -1 / negative.rows },
    ],
    rbm,
    backend,
    weightsInto,
  )
  if (sparse !== undefined) {
    const visibleBias = new Float64Array(V)
    const hiddenBias = new Float64Array(H)
    for (const [phase, sign] of [
      [positive, 1],
      [negative, -1],
    ] as const) {
      const scale = sign / phase.rows
      for (let q = 0; q < phase.rows * V; q++) visibleBias[q % V] += scale * phase.v[q]
      for (let q = 0; q < phase.rows; q++) {
        for (let j = 0; j < H; j++) hiddenBias[j] += scale * phase.p[q * H + j]
      }
    }
    return {
      weights: sparse instanceof Float64Array ? sparse : new Float64Array(sparse),
      visibleBias,
      hiddenBias,
    }
  }
  const rows = positive.rows + negative.rows
  const x = new Float64Array(rows * V)
  const y = new Float64Array(rows * H)
  const visibleBias = new Float64Array(V)
  const hiddenBias = new Float64Array(H)
  let r = 0
  for (const [phase, sign] of [
    [positive, 1],
    [negative, -1],
  ] as const) {
    const scale = sign / phase.rows
    for (let q = 0; q < phase.rows; q++, r++) {
      for (let i = 0; i < V; i++) {
        const v = phase.v[q * V + i]
        x[r * V + i] = v
        visibleBias[i] += scale * v
      }
      for (let j = 0; j < H; j++) {
        const pj = scale * phase.p[q * H + j]
        y[r * H + j] = pj
        hiddenBias[j] += pj
      }
    }
  }
  const w = transposedProduct(x, y, { rows, numVisible: V, numHidden: H }, backend)
  const weights = w instanceof Float64Array ? w : new Float64Array(w.length)
  if (weights !== w) weights.set(w)
  return { weights, visibleBias, hiddenBias }
}

/**
 * CD-k (chains undefined: the negative phase starts at the data) or PCD (chains [C, V] given)
 * on validated inputs: the data's and the chains' hidden probabilities come from one product.
 *
 * @internal
 */
export function gradientEstimateInternal(
  rbm: Rbm,
  data: ArrayLike<number>,
  chains: ArrayLike<number> | undefined,
  options: {
    readonly key: Key
    readonly numSteps: number
    readonly backend: BackendV1
    /** A [V, H] buffer the gradient's weights may be written to (a trainer reuses one per run). */
    readonly weightsInto?: Float64Array
  },
): RbmGradientEstimate {
  const V = rbm.numVisible
  const H = rbm.numHidden
  const rows = data.length / V
  const products = weightProducts(rbm.weights, rbm, options.backend)
  try {
    let p0: Float64Array
    let start: { visible: ArrayLike<number>; p: Float64Array; rows: number }
    if (chains === undefined) {
      p0 = hiddenProbabilitiesInternal(rbm, data, rows, products)
      start = { visible: data, p: p0, rows }
    } else {
      const numChains = chains.length / V
      const both = new Float64Array(data.length + chains.length)
      both.set(data)
      both.set(chains, data.length)
      const p = hiddenProbabilitiesInternal(rbm, both, rows + numChains, products)
      p0 = p.subarray(0, rows * H)
      start = { visible: chains, p: p.subarray(rows * H), rows: numChains }
    }
    const end = runChain(rbm, start, options, products)
    const pEnd = hiddenProbabilitiesInternal(rbm, end.visible, start.rows, products)
    const gradient = statisticsDifference(
      rbm,
      { v: data, p: p0, rows },
      { v: end.visible, p: pEnd, rows: start.rows },
      options.backend,
      options.weightsInto,
    )
    return { gradient, negative: end.visible }
  } finally {
    products.dispose()
  }
}

/**
 * A CD-k or PCD gradient estimate with the chain's final visible states.
 *
 * @example
 * ```ts
 * const { gradient, negative } = rbmContrastiveDivergence(rbm, batch, { key: key(0) })
 * ```
 */
export interface RbmGradientEstimate {
  /** The estimate of ∂(mean ln p(v))/∂θ (ascent direction). */
  readonly gradient: RbmGradient
  /** The negative-phase visible states v^k, [B, V] for CD, [C, V] for PCD (the new persistent chains). */
  readonly negative: Float64Array
}

/**
 * Contrastive divergence CD-k (Hinton 2002): from v⁰ = data, h⁰ is *sampled* to drive the
 * reconstruction, k block-Gibbs steps give v^k, and both phases use hidden *probabilities*:
 *
 *   ΔW = (v⁰ᵀ σ(v⁰W + c) − v^kᵀ σ(v^kW + c)) / B,  Δb = mean(v⁰ − v^k),  Δc = mean(σ(v⁰W + c) − σ(v^kW + c))
 *
 * (Hinton 2010, "A practical guide", §3; case P1). The estimate is biased for finite k.
 *
 * @param rbm - the RBM
 * @param data - the batch v⁰, [B, V] row-major, entries in [0, 1]
 * @param options - {@link RbmSamplingOptions} (k = numSteps, default 1)
 * @returns {@link RbmGradientEstimate}; `negative` is v^k
 * @throws ShapeError for a bad length; InvalidArgumentError for entries outside [0, 1] or numSteps < 1
 * @example
 * ```ts
 * const { gradient } = rbmContrastiveDivergence(rbm, batch, { key: fold(key(0), step), numSteps: 1 })
 * const next = rbmGradientStep(rbm, gradient, { learningRate: 0.1 })
 * ```
 */
export function rbmContrastiveDivergence(
  rbm: Rbm,
  data: ArrayLike<number>,
  options: RbmSamplingOptions,
): RbmGradientEstimate {
  checkOptions('rbmContrastiveDivergence', options)
  const op = 'rbmContrastiveDivergence'
  checkRbm(op, rbm)
  checkBatch(op, 'data', data, { width: rbm.numVisible, binary: false })
  const numSteps = options.numSteps ?? 1
  checkSteps(op, numSteps)
  return gradientEstimateInternal(rbm, data, undefined, {
    key: options.key,
    numSteps,
    backend: productBackend(options.backend),
  })
}

/**
 * Persistent contrastive divergence (Tieleman 2008): the negative phase continues persistent
 * chains instead of restarting at the data. The chains [C, V] advance k block-Gibbs steps; the
 * estimate is (1/B) v_dataᵀ σ(v_data W + c) − (1/C) v_chainᵀ σ(v_chain W + c), with the same bias
 * terms as {@link rbmContrastiveDivergence}. Pass `negative` back in as the next call's `chains`.
 *
 * @param rbm - the RBM
 * @param data - the batch [B, V], entries in [0, 1]
 * @param chains - persistent chain states [C, V] (C may differ from B), entries in [0, 1]
 * @param options - {@link RbmSamplingOptions}
 * @returns {@link RbmGradientEstimate}; `negative` holds the advanced chains
 * @throws ShapeError for bad lengths; InvalidArgumentError for entries outside [0, 1] or numSteps < 1
 * @example
 * ```ts
 * let chains = new Float64Array(100 * rbm.numVisible)
 * const { gradient, negative } = rbmPersistentContrastiveDivergence(rbm, batch, chains, { key: key(5) })
 * chains = negative
 * ```
 */
export function rbmPersistentContrastiveDivergence(
  rbm: Rbm,
  data: ArrayLike<number>,
  chains: ArrayLike<number>,
  options: RbmSamplingOptions,
): RbmGradientEstimate {
  checkOptions('rbmPersistentContrastiveDivergence', options)
  const op = 'rbmPersistentContrastiveDivergence'
  checkRbm(op, rbm)
  checkBatch(op, 'data', data, { width: rbm.numVisible, binary: false })
  checkBatch(op, 'chains', chains, { width: rbm.numVisible, binary: false })
  const numSteps = options.numSteps ?? 1
  checkSteps(op, numSteps)
  return gradientEstimateInternal(rbm, data, chains, {
    key: options.key,
    numSteps,
    backend: productBackend(options.backend),
  })
}

/**
 * Exact gradient of the mean log-likelihood by enumeration of the smaller layer:
 *
 *   ∂/∂W_ij = <v_i h_j>_data − <v_i h_j>_model,  with <·>_data = (1/B) Σ_b v_bi σ(c_j + v_bᵀW_{:,j})
 *
 * and likewise <v_i> and <h_j> for the biases (Hinton 2002, eq. 5). The model expectation sums
 * p(v) σ(·) over v, or p(h) σ(b + W h) h over h, whichever layer is smaller.
 *
 * @param rbm - the RBM, with min(V, H) ≤ {@link MAX_RBM_ENUMERATED_UNITS}
 * @param data - [B, V] row-major of 0/1
 * @returns the {@link RbmGradient} (ascent direction) and `logLikelihood`, the mean ln p(v)
 * @throws ShapeError for a bad length; InvalidArgumentError for non-binary data or layers too large
 * @example
 * ```ts
 * const { gradient, logLikelihood } = rbmExactGradient(rbm, data)
 * ```
 */
export function rbmExactGradient(
  rbm: Rbm,
  data: ArrayLike<number>,
): { readonly gradient: RbmGradient; readonly logLikelihood: number } {
  const op = 'rbmExactGradient'
  checkRbm(op, rbm)
  const rows = checkBatch(op, 'data', data, { width: rbm.numVisible, binary: true })
  checkEnumerableRbm(op, rbm)
  const { numVisible: V, numHidden: H } = rbm
  const logZ = logPartitionInternal(rbm)
  const modelW = new Float64Array(V * H)
  const modelB = new Float64Array(V)
  const modelC = new Float64Array(H)
  const sig = new Float64Array(Math.max(V, H))
  walkSmallerLayer(rbm, (x, field, lw) => {
    const p = Math.exp(lw - logZ)
    if (p === 0) return
    for (let k = 0; k < field.length; k++) sig[k] = sigmoid(field[k])
    if (V <= H) {
      // x = v, field = hidden pre-activations
      for (let j = 0; j < H; j++) modelC[j] += p * sig[j]
      for (let i = 0; i < V; i++) {
        if (x[i] === 0) continue
        modelB[i] += p
        for (let j = 0; j < H; j++) modelW[i * H + j] += p * sig[j]
      }
    } else {
      // x = h, field = visible pre-activations
      for (let i = 0; i < V; i++) modelB[i] += p * sig[i]
      for (let j = 0; j < H; j++) {
        if (x[j] === 0) continue
        modelC[j] += p
        for (let i = 0; i < V; i++) modelW[i * H + j] += p * sig[i]
      }
    }
  })
  const gradient = zeroGradient(rbm)
  // the data phase in float64 loops, like the model phase: this is an exact oracle
  const dataP = new Float64Array(rows * H)
  const dataField = new Float64Array(H)
  for (let r = 0; r < rows; r++) {
    hiddenField(rbm, data, r, dataField)
    for (let j = 0; j < H; j++) dataP[r * H + j] = sigmoid(dataField[j])
  }
  addPhase(rbm, { v: data, p: dataP, rows }, 1, gradient)
  for (let k = 0; k < V * H; k++) gradient.weights[k] -= modelW[k]
  for (let i = 0; i < V; i++) gradient.visibleBias[i] -= modelB[i]
  for (let j = 0; j < H; j++) gradient.hiddenBias[j] -= modelC[j]
  let logLikelihood = 0
  const field = new Float64Array(H)
  for (let r = 0; r < rows; r++) logLikelihood += (-freeEnergyRow(rbm, data, r, field) - logZ) / rows
  return { gradient, logLikelihood }
}

/**
 * Pseudo-log-likelihood of each binary visible row (Besag 1975):
 *
 *   PL(v) = Σ_i ln p(v_i | v_−i) = −Σ_i softplus(F(v) − F(v̄⁽ⁱ⁾)),
 *
 * with v̄⁽ⁱ⁾ = v with bit i flipped. It sums all V conditionals exactly, so it equals
 * V × mean_i ln p(v_i | v_−i) (case P2). A surrogate for monitoring training, not the
 * log-likelihood: compare models with {@link rbmLogLikelihood} (or AIS when Z is out of reach).
 *
 * @param rbm - the RBM
 * @param visible - [B, V] row-major of 0/1
 * @returns Float64Array [B] of pseudo-log-likelihoods (each ≤ 0)
 * @throws ShapeError for a bad length; InvalidArgumentError for non-binary entries
 * @example
 * ```ts
 * rbmPseudoLikelihood(rbm, [1, 0, 1, 1, 0, 0])
 * ```
 */
export function rbmPseudoLikelihood(rbm: Rbm, visible: ArrayLike<number>): Float64Array {
  const op = 'rbmPseudoLikelihood'
  checkRbm(op, rbm)
  const rows = checkBatch(op, 'visible', visible, { width: rbm.numVisible, binary: true })
  const { numVisible: V, numHidden: H, weights } = rbm
  const field = new Float64Array(H)
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    const f = freeEnergyRow(rbm, visible, r, field)
    let linear = 0 // bᵀv
    for (let k = 0; k < V; k++) linear += rbm.visibleBias[k] * visible[r * V + k]
    let pl = 0
    for (let i = 0; i < V; i++) {
      // F(v̄) with bit i flipped: the hidden fields move by ±W_{i,:}
      const sign = visible[r * V + i] === 1 ? -1 : 1
      let flipped = -(linear + sign * rbm.visibleBias[i])
      for (let j = 0; j < H; j++) flipped -= softplus(field[j] + sign * weights[i * H + j])
      pl -= softplus(f - flipped)
    }
    out[r] = pl
  }
  return out
}

/**
 * One gradient-ascent step θ ← θ + η (g − λ W) on the log-likelihood (λ: L2 weight decay on W).
 *
 * @param rbm - the RBM (not modified)
 * @param gradient - an ascent direction such as {@link rbmContrastiveDivergence}'s `gradient`
 * @param options - `learningRate` η > 0 and `weightDecay` λ ≥ 0 (default 0)
 * @returns a new {@link Rbm}
 * @throws ShapeError when the gradient's shapes differ from the RBM's; InvalidArgumentError for bad η or λ
 * @example
 * ```ts
 * const next = rbmGradientStep(rbm, gradient, { learningRate: 0.05, weightDecay: 1e-4 })
 * ```
 */
export function rbmGradientStep(
  rbm: Rbm,
  gradient: RbmGradient,
  options: { readonly learningRate: number; readonly weightDecay?: number },
): Rbm {
  checkOptions('rbmGradientStep', options)
  const op = 'rbmGradientStep'
  checkRbm(op, rbm)
  checkParameter(op, 'gradient.weights', gradient.weights, [rbm.numVisible, rbm.numHidden])
  checkParameter(op, 'gradient.visibleBias', gradient.visibleBias, [rbm.numVisible])
  checkParameter(op, 'gradient.hiddenBias', gradient.hiddenBias, [rbm.numHidden])
  const { learningRate } = options
  const weightDecay = options.weightDecay ?? 0
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new InvalidArgumentError(op, 'learningRate', `must be a finite number > 0, got ${learningRate}`)
  }
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new InvalidArgumentError(op, 'weightDecay', `must be a finite number >= 0, got ${weightDecay}`)
  }
  const weights = rbm.weights.map((w, k) => w + learningRate * (gradient.weights[k] - weightDecay * w))
  const visibleBias = rbm.visibleBias.map((b, i) => b + learningRate * gradient.visibleBias[i])
  const hiddenBias = rbm.hiddenBias.map((c, j) => c + learningRate * gradient.hiddenBias[j])
  return { numVisible: rbm.numVisible, numHidden: rbm.numHidden, weights, visibleBias, hiddenBias }
}
