// Deep belief networks (Hinton, Osindero & Teh 2006, "A fast learning algorithm for deep belief
// nets"): a stack of Bernoulli RBMs layers[0..L−1], layer l between h_l and h_{l+1} (h_0 = v).
// The generative model is an RBM on the top two layers (h_{L−1}, h_L) and directed sigmoid
// belief layers below it:
//
//   p(v, h_1, …, h_{L−1}) = p_top(h_{L−1}) Π_{l<L−1} p_l(h_l | h_{l+1}),
//   p_l(h_l,i = 1 | h_{l+1}) = σ(b_l,i + W_l,i: h_{l+1}),   p_top(x) = exp(−F_top(x)) / Z_top.
//
// The recognition model q(h_{l+1} | h_l) = Π_j σ(c_l,j + h_lᵀ W_l,:j) is each RBM's up-pass. The
// variational bound (Hinton et al. 2006, eq. 11; Salakhutdinov & Murray 2008, §4.2) is
//
//   ln p(v) ≥ E_q[ln p(v | h_1) + … + ln p_top(h_{L−1})] + H(q) = ln p(v) − KL(q ‖ p(· | v)).
import { checkOptions, fold, InvalidArgumentError, type BackendV1, type Key } from '@gen/core-tensor'

import { checkPositiveInteger, lowestBit, softplus } from '../internal/numeric'
import { productBackend } from '../internal/products'
import { initRbm, MAX_RBM_ENUMERATED_UNITS, rbmLogPartition, type Rbm } from '../rbm'
import {
  bernoulliDraw,
  checkRbmShape,
  checkRows,
  hiddenProbabilitiesAt,
  visibleProbabilitiesAt,
} from './internal'
import { trainRbm, type RbmEpochProgress, type TrainRbmOptions } from './train-rbm'

/**
 * A deep belief network: RBMs stacked so that layers[l].numHidden = layers[l + 1].numVisible.
 *
 * @example
 * ```ts
 * const dbn = createDbn([rbm784x500, rbm500x500])
 * dbn.layers.length // 2
 * ```
 */
export interface Dbn {
  /** The RBMs, bottom first; the last one is the undirected top layer. */
  readonly layers: readonly Rbm[]
}

/**
 * Checks that the RBMs stack and wraps them as a {@link Dbn} (no copy).
 *
 * @param layers - at least one RBM, bottom first
 * @returns the DBN
 * @throws InvalidArgumentError when sizes do not chain or a layer is malformed
 * @example
 * ```ts
 * const dbn = createDbn([initRbm({ numVisible: 6, numHidden: 4 }, { key: key(0) }), initRbm({ numVisible: 4, numHidden: 3 }, { key: key(1) })])
 * ```
 */
export function createDbn(layers: readonly Rbm[]): Dbn {
  checkDbn('createDbn', { layers })
  return { layers }
}

function checkDbn(op: string, dbn: Dbn): void {
  const layers = (dbn as Dbn | undefined)?.layers as unknown
  if (!isList<Rbm>(layers) || layers.length === 0) {
    throw new InvalidArgumentError(op, 'dbn', `must hold a non-empty layers array, got ${typeof layers}`)
  }
  layers.forEach((layer, l) => checkRbmShape(`${op} (layer ${l})`, layer))
  for (let l = 0; l + 1 < layers.length; l++) {
    if (layers[l].numHidden !== layers[l + 1].numVisible) {
      throw new InvalidArgumentError(
        op,
        'layers',
        `must chain: layers[${l}].numHidden must equal layers[${l + 1}].numVisible, got ${layers[l].numHidden} and ${layers[l + 1].numVisible}`,
      )
    }
  }
}

function isList<T>(value: unknown): value is readonly T[] {
  return Array.isArray(value)
}

/**
 * The RBM with the two layers exchanged: W ↦ Wᵀ, b ↔ c. Stacking it on `rbm` gives a DBN whose
 * distribution over v equals the RBM's (the complementary prior of Hinton et al. 2006, §3), and
 * whose factorial posterior is exact, so the variational bound is tight.
 *
 * @param rbm - the RBM
 * @returns a new RBM with numVisible = rbm.numHidden
 * @example
 * ```ts
 * const tied = createDbn([rbm, transposeRbm(rbm)]) // same p(v) as rbm
 * ```
 */
export function transposeRbm(rbm: Rbm): Rbm {
  checkRbmShape('transposeRbm', rbm)
  const { numVisible: V, numHidden: H } = rbm
  const weights = new Float64Array(V * H)
  for (let i = 0; i < V; i++) for (let j = 0; j < H; j++) weights[j * V + i] = rbm.weights[i * H + j]
  return {
    numVisible: H,
    numHidden: V,
    weights,
    visibleBias: Float64Array.from(rbm.hiddenBias),
    hiddenBias: Float64Array.from(rbm.visibleBias),
  }
}

/**
 * Per-layer settings of {@link trainDbn}: {@link TrainRbmOptions} without the key, plus the initial weight scale.
 *
 * @example
 * ```ts
 * const layer: DbnLayerOptions = { numEpochs: 10, batchSize: 100, learningRate: 0.05, momentum: 0.5, initScale: 0.01 }
 * ```
 */
export type DbnLayerOptions = Omit<TrainRbmOptions, 'key' | 'onEpoch'> & {
  /** σ of the initial W ~ N(0, σ²) (default 0.01). */
  readonly initScale?: number
  /**
   * Start from this RBM instead of a random one, or `'transposed'`: {@link transposeRbm} of the
   * layer below (its sizes must mirror it). From there the bound starts at the lower layer's
   * ln p(v) and can only improve as the layer learns (Hinton et al. 2006, §4).
   */
  readonly init?: Rbm | 'transposed'
}

/**
 * Options of {@link trainDbn}.
 *
 * @example
 * ```ts
 * const options: TrainDbnOptions = { layerSizes: [784, 500, 500], key: key(0), layers: { numEpochs: 10, learningRate: 0.05 } }
 * ```
 */
export interface TrainDbnOptions {
  /** Unit counts [V, H_1, …, H_L], L ≥ 1 RBMs. */
  readonly layerSizes: readonly number[]
  /** Key; layer l initialises from fold(fold(key, l), 0), trains with fold(fold(key, l), 1), propagates with fold(fold(key, l), 2). */
  readonly key: Key
  /** Settings for every layer, or one entry per layer. */
  readonly layers: DbnLayerOptions | readonly DbnLayerOptions[]
  /**
   * What the next layer trains on: the hidden probabilities q(h | x) of the layer below (default,
   * Hinton et al. 2006 use them for speed), or one Bernoulli sample of them per row ('samples').
   */
  readonly propagate?: 'probabilities' | 'samples'
  /** Optional first layers, already trained (e.g. a shipped RBM); training continues above them. */
  readonly pretrained?: readonly Rbm[]
  /** Called after every epoch of every layer. */
  readonly onEpoch?: (layer: number, progress: RbmEpochProgress) => void
}

/**
 * Greedy layer-wise training of a DBN (Hinton, Osindero & Teh 2006): train an RBM on the data,
 * map the data through q(h | v) (probabilities or samples), train the next RBM on that, and so
 * on. Each added layer, trained well from the transposed layer below, cannot lower the
 * variational bound on ln p(v) (§4 of the paper).
 *
 * @param data - training rows [N, V] in [0, 1]
 * @param options - {@link TrainDbnOptions}
 * @returns the `dbn` and each layer's epoch `history`
 * @throws InvalidArgumentError for bad sizes, data or options
 * @example
 * ```ts
 * const { dbn } = trainDbn(binaryImages, {
 *   layerSizes: [784, 500, 500], key: key(0),
 *   layers: { numEpochs: 10, batchSize: 100, learningRate: 0.05, momentum: { initial: 0.5, final: 0.9, switchEpoch: 5 }, weightDecay: 2e-4 },
 * })
 * ```
 */
export function trainDbn(
  data: ArrayLike<number>,
  options: TrainDbnOptions,
): { readonly dbn: Dbn; readonly history: readonly (readonly RbmEpochProgress[])[] } {
  const op = 'trainDbn'
  checkOptions(op, options)
  const sizes = options.layerSizes
  if (!isList<number>(sizes) || sizes.length < 2) {
    throw new InvalidArgumentError(op, 'layerSizes', `must list at least 2 unit counts, got ${String(sizes)}`)
  }
  sizes.forEach((n, l) => checkPositiveInteger(op, `layerSizes[${l}]`, n))
  const L = sizes.length - 1
  const perLayer: readonly DbnLayerOptions[] = isList<DbnLayerOptions>(options.layers)
    ? options.layers
    : Array.from({ length: L }, () => options.layers as DbnLayerOptions)
  if (perLayer.length !== L) {
    throw new InvalidArgumentError(op, 'layers', `must give one entry per RBM (${L}), got ${perLayer.length}`)
  }
  const propagate = options.propagate ?? 'probabilities'
  if (propagate !== 'probabilities' && propagate !== 'samples') {
    throw new InvalidArgumentError(
      op,
      'propagate',
      `must be 'probabilities' or 'samples', got ${String(propagate)}`,
    )
  }
  let rows = checkRows(op, 'data', data, { width: sizes[0] })
  const pretrained = options.pretrained ?? []
  if (pretrained.length > L) {
    throw new InvalidArgumentError(
      op,
      'pretrained',
      `must hold at most ${L} layers, got ${pretrained.length}`,
    )
  }
  pretrained.forEach((rbm, l) => {
    if (rbm.numVisible !== sizes[l] || rbm.numHidden !== sizes[l + 1]) {
      throw new InvalidArgumentError(
        op,
        `pretrained[${l}]`,
        `must be ${sizes[l]}x${sizes[l + 1]}, got ${rbm.numVisible}x${rbm.numHidden}`,
      )
    }
  })
  let input: ArrayLike<number> = data
  const layers: Rbm[] = []
  const history: RbmEpochProgress[][] = []
  for (let l = 0; l < L; l++) {
    const layerKey = fold(options.key, l)
    let rbm: Rbm
    if (l < pretrained.length) {
      rbm = pretrained[l]
      history.push([])
    } else {
      const { initScale, init: given, ...train } = perLayer[l]
      if (given === 'transposed' && l === 0) {
        throw new InvalidArgumentError(
          op,
          'layers[0].init',
          "must not be 'transposed': the first layer has none below it",
        )
      }
      const start = given === 'transposed' ? transposeRbm(layers[l - 1]) : given
      if (start !== undefined && (start.numVisible !== sizes[l] || start.numHidden !== sizes[l + 1])) {
        throw new InvalidArgumentError(
          op,
          `layers[${l}].init`,
          `must be ${sizes[l]}x${sizes[l + 1]}, got ${start.numVisible}x${start.numHidden}`,
        )
      }
      const init =
        start ??
        initRbm(
          { numVisible: sizes[l], numHidden: sizes[l + 1] },
          { key: fold(layerKey, 0), initScale: initScale ?? 0.01 },
        )
      const result = trainRbm(init, input, {
        ...train,
        key: fold(layerKey, 1),
        onEpoch: (p) => options.onEpoch?.(l, p),
      })
      rbm = result.rbm
      history.push([...result.history])
    }
    layers.push(rbm)
    if (l + 1 < L) {
      const p = hiddenProbabilitiesAt(rbm, input, rows, 1, productBackend(perLayer[l].backend))
      input = propagate === 'samples' ? bernoulliDraw(p, fold(layerKey, 2)) : p
      rows = p.length / rbm.numHidden
    }
  }
  return { dbn: { layers }, history }
}

/**
 * Options of {@link dbnSample}.
 *
 * @example
 * ```ts
 * const options: DbnSampleOptions = { key: key(0), numSamples: 100, numSteps: 1000 }
 * ```
 */
export interface DbnSampleOptions {
  /** Key: fold(key, 0) starts the top chain, fold(key, 1) runs it, fold(key, 2 + l) draws layer l on the way down. */
  readonly key: Key
  /** Samples C (ignored when `start` is given: then one per start row). */
  readonly numSamples?: number
  /** Block-Gibbs steps in the top RBM (default 1000). */
  readonly numSteps?: number
  /** Optional data rows [C, V]: the top chain starts from their up-pass instead of Bernoulli(½) noise. */
  readonly start?: ArrayLike<number>
  /** Backend of the products (default core-tensor's `cpu`; `reference` for float64). */
  readonly backend?: BackendV1
}

/**
 * Samples a DBN (Hinton et al. 2006, §5): block Gibbs between the top two layers for `numSteps`,
 * then one top-down pass h_l ~ p_l(h_l | h_{l+1}) through the directed layers. When the top chain
 * has converged, `visible` is an exact draw from the DBN's p(v).
 *
 * @param dbn - the DBN
 * @param options - {@link DbnSampleOptions}
 * @returns `visible` binary samples [C, V] and `probabilities` p(v | h_1) [C, V] (the smoother picture)
 * @throws InvalidArgumentError for bad options
 * @example
 * ```ts
 * const { probabilities } = dbnSample(dbn, { key: key(4), numSamples: 64, numSteps: 1000 })
 * ```
 */
export function dbnSample(
  dbn: Dbn,
  options: DbnSampleOptions,
): { readonly visible: Float64Array; readonly probabilities: Float64Array } {
  const op = 'dbnSample'
  checkOptions(op, options)
  checkDbn(op, dbn)
  const numSteps = options.numSteps ?? 1000
  checkPositiveInteger(op, 'numSteps', numSteps)
  const backend = productBackend(options.backend)
  const L = dbn.layers.length
  const top = dbn.layers[L - 1]
  let x: Float64Array
  let C: number
  if (options.start !== undefined) {
    C = checkRows(op, 'start', options.start, { width: dbn.layers[0].numVisible })
    let up: ArrayLike<number> = options.start
    for (let l = 0; l < L - 1; l++) up = hiddenProbabilitiesAt(dbn.layers[l], up, C, 1, backend)
    x = bernoulliDraw(up, fold(options.key, 0))
  } else {
    C = options.numSamples ?? 1
    checkPositiveInteger(op, 'numSamples', C)
    x = bernoulliDraw(new Float64Array(C * top.numVisible).fill(0.5), fold(options.key, 0))
  }
  const chainKey = fold(options.key, 1)
  let probabilities: Float64Array = new Float64Array(0)
  for (let t = 0; t < numSteps; t++) {
    const h = bernoulliDraw(hiddenProbabilitiesAt(top, x, C, 1, backend), fold(chainKey, 2 * t))
    probabilities = visibleProbabilitiesAt(top, h, C, 1, backend)
    x = bernoulliDraw(probabilities, fold(chainKey, 2 * t + 1))
  }
  // x is now a draw of h_{L−1} (of v when L = 1); go down through the directed layers
  for (let l = L - 2; l >= 0; l--) {
    probabilities = visibleProbabilitiesAt(dbn.layers[l], x, C, 1, backend)
    x = bernoulliDraw(probabilities, fold(options.key, 2 + l))
  }
  return { visible: x, probabilities }
}

/** ln p_l(x | y) = Σ_i (x_i a_i − softplus(a_i)), a = b + W y: the directed layer's log-probability. */
function directedLogProbability(
  rbm: Rbm,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  row: number,
): number {
  const { numVisible: V, numHidden: H, weights } = rbm
  let s = 0
  for (let i = 0; i < V; i++) {
    let a = rbm.visibleBias[i]
    for (let j = 0; j < H; j++) if (upper[row * H + j] !== 0) a += weights[i * H + j] * upper[row * H + j]
    s += lower[row * V + i] * a - softplus(a)
  }
  return s
}

/** F(x) = −bᵀx − Σ_j softplus(c_j + xᵀW_{:,j}) of one row. */
function freeEnergyRow(rbm: Rbm, x: ArrayLike<number>, row: number): number {
  const field = hiddenProbabilitiesFieldRow(rbm, x, row)
  let f = 0
  for (let i = 0; i < rbm.numVisible; i++) f -= rbm.visibleBias[i] * x[row * rbm.numVisible + i]
  for (let j = 0; j < rbm.numHidden; j++) f -= softplus(field[j])
  return f
}

function hiddenProbabilitiesFieldRow(rbm: Rbm, x: ArrayLike<number>, row: number): Float64Array {
  const { numVisible: V, numHidden: H, weights } = rbm
  const field = Float64Array.from(rbm.hiddenBias)
  for (let i = 0; i < V; i++) {
    const xi = x[row * V + i]
    if (xi === 0) continue
    for (let j = 0; j < H; j++) field[j] += xi * weights[i * H + j]
  }
  return field
}

/** ln q(h | x) = Σ_j (h_j a_j − softplus(a_j)), a = c + xᵀW, for one row (finite even where σ(a) rounds to 0 or 1). */
function recognitionLogProbability(
  rbm: Rbm,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  row: number,
): number {
  const field = hiddenProbabilitiesFieldRow(rbm, lower, row)
  let s = 0
  for (let j = 0; j < rbm.numHidden; j++) s += upper[row * rbm.numHidden + j] * field[j] - softplus(field[j])
  return s
}

function topLogPartition(op: string, dbn: Dbn, given: number | undefined): number {
  if (given !== undefined) {
    if (!Number.isFinite(given))
      throw new InvalidArgumentError(op, 'logPartitionTop', `must be a finite number, got ${given}`)
    return given
  }
  const top = dbn.layers[dbn.layers.length - 1]
  if (Math.min(top.numVisible, top.numHidden) > MAX_RBM_ENUMERATED_UNITS) {
    throw new InvalidArgumentError(
      op,
      'logPartitionTop',
      `must be given (e.g. an AIS estimate) when the top RBM has no layer of at most ${MAX_RBM_ENUMERATED_UNITS} units, got undefined for a ${top.numVisible}x${top.numHidden} top RBM`,
    )
  }
  return rbmLogPartition(top)
}

/** Visits every h_1 of a 2-layer DBN for one v row with ln p(v | h_1) + ln p_top(h_1) and ln q(h_1 | v). */
function walkFirstHidden(
  dbn: Dbn,
  v: ArrayLike<number>,
  row: number,
  visit: (logJoint: number, logQ: number) => void,
): void {
  const [bottom, top] = dbn.layers
  const { numVisible: V, numHidden: H, weights } = bottom
  // ln q(h_j = 1 | v) = −softplus(−a_j), ln q(h_j = 0 | v) = −softplus(a_j)
  const a = hiddenProbabilitiesFieldRow(bottom, v, row)
  const logQ0 = Array.from(a, (x) => -softplus(x))
  const logQ1 = Array.from(a, (x) => -softplus(-x))
  const h = new Float64Array(H)
  const down = Float64Array.from(bottom.visibleBias) // b + W h
  const up = Float64Array.from(top.hiddenBias) // c_top + hᵀ W_top
  let linearTop = 0 // b_topᵀ h
  let logQ = logQ0.reduce((a, b) => a + b, 0)
  const evaluate = (): void => {
    let s = linearTop
    for (let k = 0; k < top.numHidden; k++) s += softplus(up[k])
    for (let i = 0; i < V; i++) s += v[row * V + i] * down[i] - softplus(down[i])
    visit(s, logQ)
  }
  evaluate()
  for (let t = 1; t < 2 ** H; t++) {
    const j = lowestBit(t)
    const sign = h[j] === 0 ? 1 : -1
    h[j] = 1 - h[j]
    for (let i = 0; i < V; i++) down[i] += sign * weights[i * H + j]
    for (let k = 0; k < top.numHidden; k++) up[k] += sign * top.weights[j * top.numHidden + k]
    linearTop += sign * top.visibleBias[j]
    logQ += sign * (logQ1[j] - logQ0[j])
    evaluate()
  }
}

function checkExactDbn(op: string, dbn: Dbn): void {
  if (dbn.layers.length !== 2) {
    throw new InvalidArgumentError(
      op,
      'dbn',
      `must have exactly 2 layers for exact enumeration, got ${dbn.layers.length}`,
    )
  }
  if (dbn.layers[0].numHidden > 20) {
    throw new InvalidArgumentError(
      op,
      'dbn',
      `must have at most 20 units in h_1 for exact enumeration, got ${dbn.layers[0].numHidden}`,
    )
  }
}

/**
 * Exact ln p(v) of a 2-layer DBN by enumerating h_1:
 * ln p(v) = ln Σ_{h_1} p(v | h_1) exp(−F_top(h_1)) / Z_top.
 *
 * @param dbn - a DBN with 2 layers, h_1 of at most 20 units
 * @param visible - v [B, V] of 0/1
 * @param options - optional `logPartitionTop` (default: exact when the top RBM is enumerable)
 * @returns Float64Array [B]
 * @throws InvalidArgumentError for other DBNs or non-binary rows
 * @example
 * ```ts
 * dbnLogProbability(dbn, [1, 0, 1, 1, 0, 0])
 * ```
 */
export function dbnLogProbability(
  dbn: Dbn,
  visible: ArrayLike<number>,
  options: { readonly logPartitionTop?: number } = {},
): Float64Array {
  const op = 'dbnLogProbability'
  checkDbn(op, dbn)
  checkExactDbn(op, dbn)
  const rows = checkRows(op, 'visible', visible, { width: dbn.layers[0].numVisible, binary: true })
  const logZ = topLogPartition(op, dbn, options.logPartitionTop)
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    let m = -Infinity
    let s = 0
    walkFirstHidden(dbn, visible, r, (lj) => {
      if (lj > m) {
        s = s * Math.exp(m - lj) + 1
        m = lj
      } else s += Math.exp(lj - m)
    })
    out[r] = m + Math.log(s) - logZ
  }
  return out
}

/**
 * Options of {@link dbnLowerBound}.
 *
 * @example
 * ```ts
 * const options: DbnLowerBoundOptions = { key: key(0), numSamples: 100, logPartitionTop: aisEstimate }
 * ```
 */
export interface DbnLowerBoundOptions {
  /** ln Z of the top RBM; default exact when its smaller layer has ≤ 25 units. An AIS estimate makes the bound an estimate. */
  readonly logPartitionTop?: number
  /** 'exact' (2 layers, h_1 ≤ 20 units: sum over h_1) or 'sampled' (default: exact where possible). */
  readonly method?: 'exact' | 'sampled'
  /** Samples from q per row for 'sampled' (default 100). */
  readonly numSamples?: number
  /** Key for 'sampled': sample s of layer l uses fold(fold(key, s), l). */
  readonly key?: Key
}

/**
 * The variational lower bound on ln p(v) of a DBN with the factorial recognition posterior
 * q(h_1, …, h_{L−1} | v) = Π_l q(h_l | h_{l−1}) (Hinton et al. 2006, eq. 11):
 *
 *   B(v) = E_q[ln p(v | h_1) + Σ_{1≤l<L−1} ln p_l(h_l | h_{l+1}) + ln p_top(h_{L−1}) − ln q(h | v)] ≤ ln p(v),
 *
 * equal to ln p(v) when q is the true posterior (e.g. a top layer tied to the transposed bottom
 * one, see {@link transposeRbm}). 'exact' sums over h_1; 'sampled' averages the bracket over
 * `numSamples` draws of q, an unbiased estimate of B with its standard error. A 1-layer DBN is
 * an RBM and returns ln p(v) exactly.
 *
 * @param dbn - the DBN
 * @param visible - v [B, V] of 0/1
 * @param options - {@link DbnLowerBoundOptions}
 * @returns `bound` [B] and `standardError` [B] (zeros when exact)
 * @throws InvalidArgumentError for bad rows, a missing ln Z_top or an impossible 'exact'
 * @example
 * ```ts
 * const { bound } = dbnLowerBound(dbn, testRows, { logPartitionTop: aisLogZ, key: key(3) })
 * ```
 */
export function dbnLowerBound(
  dbn: Dbn,
  visible: ArrayLike<number>,
  options: DbnLowerBoundOptions = {},
): { readonly bound: Float64Array; readonly standardError: Float64Array } {
  const op = 'dbnLowerBound'
  checkDbn(op, dbn)
  const L = dbn.layers.length
  const V = dbn.layers[0].numVisible
  const rows = checkRows(op, 'visible', visible, { width: V, binary: true })
  const logZ = topLogPartition(op, dbn, options.logPartitionTop)
  const top = dbn.layers[L - 1]
  if (L === 1) {
    return {
      bound: Float64Array.from({ length: rows }, (_, r) => -freeEnergyRow(top, visible, r) - logZ),
      standardError: new Float64Array(rows),
    }
  }
  const canEnumerate = L === 2 && dbn.layers[0].numHidden <= 20
  const method = options.method ?? (canEnumerate ? 'exact' : 'sampled')
  if (method === 'exact') {
    checkExactDbn(op, dbn)
    const bound = new Float64Array(rows)
    for (let r = 0; r < rows; r++) {
      let b = 0
      walkFirstHidden(dbn, visible, r, (lj, lq) => {
        const q = Math.exp(lq)
        if (q > 0) b += q * (lj - lq)
      })
      bound[r] = b - logZ
    }
    return { bound, standardError: new Float64Array(rows) }
  }
  if (method !== 'sampled') {
    throw new InvalidArgumentError(op, 'method', `must be 'exact' or 'sampled', got ${String(method)}`)
  }
  const numSamples = options.numSamples ?? 100
  checkPositiveInteger(op, 'numSamples', numSamples)
  if (options.key === undefined)
    throw new InvalidArgumentError(op, 'key', "must be given for method 'sampled', got undefined")
  // sums of x − x_first per row, so the variance does not cancel catastrophically around |x| ~ 100
  const first = new Float64Array(rows)
  const sum = new Float64Array(rows)
  const sumSq = new Float64Array(rows)
  const v = Float64Array.from({ length: rows * V }, (_, q) => visible[q])
  for (let s = 0; s < numSamples; s++) {
    const sampleKey = fold(options.key, s)
    const value = new Float64Array(rows)
    let lower: Float64Array = v
    for (let l = 0; l < L - 1; l++) {
      const layer = dbn.layers[l]
      const q = hiddenProbabilitiesAt(layer, lower, rows)
      const h = bernoulliDraw(q, fold(sampleKey, l))
      for (let r = 0; r < rows; r++) {
        value[r] += directedLogProbability(layer, lower, h, r) - recognitionLogProbability(layer, lower, h, r)
      }
      lower = h
    }
    for (let r = 0; r < rows; r++) {
      const x = value[r] - freeEnergyRow(top, lower, r) - logZ
      if (s === 0) first[r] = x
      const d = x - first[r]
      sum[r] += d
      sumSq[r] += d * d
    }
  }
  const shifted = sum.map((x) => x / numSamples)
  const bound = shifted.map((m, r) => first[r] + m)
  const standardError = shifted.map((m, r) =>
    numSamples > 1 ? Math.sqrt(Math.max(0, sumSq[r] / numSamples - m * m) / (numSamples - 1)) : 0,
  )
  return { bound, standardError }
}
