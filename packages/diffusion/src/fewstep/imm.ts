/**
 * Inductive Moment Matching (Zhou, Ermon & Song 2025, "Inductive Moment Matching",
 * arXiv:2503.07565): a one-network, one-stage model for one- to few-step generation. The
 * network is a flow map f_θ(x, τ → σ) that carries a sample of the marginal at time τ to a
 * sample of the marginal at a later time σ; it is trained so that, for τ < r ≤ σ, the
 * distribution of f_θ(x_τ, τ → σ) matches that of f_θ⁻(x_r, r → σ) (θ⁻ = stop-gradient θ),
 * measured by an MMD with a Laplace kernel over groups of M samples sharing (τ, r, σ). Since
 * f(x, σ → σ) = x, the match propagates by induction from r = σ outwards to the whole
 * interval, and one call f(z, 0 → 1) is a sampler.
 *
 * Convention: the package's flow time, t = 0 noise and t = 1 data on
 * x_t = t x_data + (1 − t) x_noise. The paper runs time the other way (its t_IMM = 1 − t,
 * α_t = 1 − t_IMM, σ_t = t_IMM, the "OT-FM" interpolant); every formula below is the paper's
 * rewritten in this convention. Parameterisation: the paper's "Euler-FM" (its eq. 12 with
 * the flow-matching x-prediction), which here is f_θ(x, τ → σ) = x + (σ − τ) G_θ(x, τ, σ):
 * an Euler step whose velocity knows where it is going.
 */
import {
  add,
  type BackendV1,
  concat,
  cpu,
  exp,
  fold,
  fromArray,
  indexSelect,
  InvalidArgumentError,
  type Key,
  maximum,
  mean,
  mul,
  normalFloats,
  randint,
  relu,
  reshape,
  ShapeError,
  silu,
  split,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  uniformFloats,
} from '@gen/core-tensor'
import { linear, linearInit, type LinearParams } from '@gen/core-tensor/nn'
import { checkChoice, checkInteger, checkNumber, checkObject, checkShape, checkTensor } from '../nets/check'
import {
  conditioning,
  conditioningInit,
  type ConditioningConfig,
  type ConditioningParams,
} from '../nets/conditioning'
import { checkFunction, describe } from '../schedule/check'
import { emit, startState, timeTensor } from '../samplers/internal'
import type { SamplerStart } from '../samplers/types'
import { type FewStepTrainOptions, type FewStepTrainResult, runTrainLoop } from './train-loop'

/**
 * A flow map f(x, from, to): carries points `x` `[B, ...]` at flow times `from` `[B]` to
 * times `to` `[B]` (to ≥ from; 0 noise, 1 data), returning a new tensor `[B, ...]`.
 */
export type FlowMap = (x: Tensor, from: Tensor, to: Tensor) => Tensor

/** The two-time MLP of IMM on low-dimensional data, as plain data. */
export interface ImmMlpConfig {
  readonly kind: 'imm-mlp'
  /** Dimension D of a point (2 for the toy sets). */
  readonly dataDim: number
  /** Hidden widths, e.g. `[128, 128, 128]`. */
  readonly hidden: readonly number[]
  /** Width of each time embedding. Default 64. */
  readonly embedDim?: number
  /** Activation of the hidden layers. Default 'silu'. */
  readonly activation?: 'silu' | 'relu'
  /** Times in [0, 1] are multiplied by this before their sinusoidal features. Default 1000. */
  readonly timeScale?: number
}

/** Parameters of {@link immMlp}. */
export interface ImmMlpParams {
  /** Embedding of the start time τ. */
  readonly from: ConditioningParams
  /** Embedding of the target time σ (the paper stresses that the net must see it). */
  readonly to: ConditioningParams
  /** Hidden layers then the output layer. */
  readonly layers: readonly LinearParams[]
}

function resolve(config: ImmMlpConfig): Required<ImmMlpConfig> {
  const op = 'validateImmMlpConfig'
  checkObject(op, 'config', config)
  if (config.kind !== 'imm-mlp') {
    throw new InvalidArgumentError(op, 'config.kind', `must be 'imm-mlp', got ${JSON.stringify(config.kind)}`)
  }
  checkInteger(op, 'config.dataDim', config.dataDim)
  if (!Array.isArray(config.hidden) || config.hidden.length < 1) {
    throw new InvalidArgumentError(
      op,
      'config.hidden',
      `must be a non-empty array of widths, got ${JSON.stringify(config.hidden)}`,
    )
  }
  config.hidden.forEach((w, i) => checkInteger(op, `config.hidden[${i}]`, w))
  const embedDim = config.embedDim ?? 64
  if (!Number.isSafeInteger(embedDim) || embedDim < 2 || embedDim % 2 !== 0) {
    throw new InvalidArgumentError(
      op,
      'config.embedDim',
      `must be an even integer >= 2, got ${String(embedDim)}`,
    )
  }
  const activation = config.activation ?? 'silu'
  checkChoice(op, 'config.activation', activation, ['silu', 'relu'])
  const timeScale = config.timeScale ?? 1000
  checkNumber(op, 'config.timeScale', timeScale, { lo: 0, openLow: true })
  return { ...config, embedDim, activation, timeScale }
}

/**
 * Checks an IMM MLP config and fills in its defaults.
 *
 * @param config - the config
 * @returns it with embedDim, activation and timeScale set
 * @throws InvalidArgumentError naming the field that is wrong
 * @example
 * ```ts
 * validateImmMlpConfig({ kind: 'imm-mlp', dataDim: 2, hidden: [128, 128, 128] })
 * ```
 */
export function validateImmMlpConfig(config: ImmMlpConfig): Required<ImmMlpConfig> {
  return resolve(config)
}

function embeddingConfig(c: Required<ImmMlpConfig>): ConditioningConfig {
  return { sinusoidalDim: c.embedDim, dim: c.embedDim, timeScale: c.timeScale }
}

/**
 * Initialises an IMM MLP (PyTorch's `nn.Linear` init).
 *
 * @param config - the architecture
 * @param options - key (required), backend (default cpu)
 * @returns the parameters
 * @throws InvalidArgumentError for a bad config
 * @example
 * ```ts
 * const params = initImmMlp({ kind: 'imm-mlp', dataDim: 2, hidden: [128, 128, 128] }, { key: key(0) })
 * ```
 */
export function initImmMlp(
  config: ImmMlpConfig,
  options: { readonly key: Key; readonly backend?: BackendV1 },
): ImmMlpParams {
  checkObject('initImmMlp', 'options', options)
  const c = resolve(config)
  const backend = options.backend ?? cpu
  const [kf, kt, kl] = split(options.key, 3)
  const sizes = [c.dataDim + c.embedDim, ...c.hidden, c.dataDim]
  const keys = split(kl, sizes.length - 1)
  return {
    from: conditioningInit(kf, embeddingConfig(c), backend),
    to: conditioningInit(kt, embeddingConfig(c), backend),
    layers: sizes.slice(1).map((out, i) => linearInit(keys[i], sizes[i], out, { backend })),
  }
}

/**
 * The network G_θ(x, τ, σ) of IMM's Euler-FM parameterisation: `h₀ = [x, e_τ(τ) + e_σ(σ)]`
 * (two sinusoidal-MLP time embeddings, summed as in the paper's DiT), SiLU or ReLU hidden
 * layers, a linear output of the data's dimension.
 *
 * Shapes: x `[N, D]`, from and to `[N]` → `[N, D]`.
 *
 * @param config - the architecture
 * @param params - from {@link initImmMlp}
 * @param x - points at time `from`
 * @param times - from (τ) and to (σ), flow times in [0, 1]
 * @returns G, `[N, D]` (a velocity: the flow map is x + (σ − τ) G)
 * @throws ShapeError when x, from or to do not fit
 * @example
 * ```ts
 * const g = immMlp(config, params, x, { from: fromArray([0, 0]), to: fromArray([1, 1]) })
 * ```
 */
export function immMlp(
  config: ImmMlpConfig,
  params: ImmMlpParams,
  x: Tensor,
  times: { readonly from: Tensor; readonly to: Tensor },
): Tensor {
  const op = 'immMlp'
  const c = resolve(config)
  checkTensor(op, 'x', x)
  checkShape(op, 'x', x, [-1, c.dataDim])
  const n = x.shape[0]
  const ec = embeddingConfig(c)
  const emb = add(
    conditioning(op, ec, params.from, { t: times.from, n }),
    conditioning(op, ec, params.to, { t: times.to, n }),
  )
  let h = concat([x, emb], 1)
  params.layers.forEach((layer, i) => {
    h = linear(layer, h)
    if (i < params.layers.length - 1) h = c.activation === 'relu' ? relu(h) : silu(h)
  })
  return h
}

/** f(x, τ → σ) = x + (σ − τ) G(x, τ, σ), traced (for training). */
function applyFlowMap(
  config: ImmMlpConfig,
  params: ImmMlpParams,
  x: Tensor,
  times: { readonly from: Tensor; readonly to: Tensor },
): Tensor {
  const g = immMlp(config, params, x, times)
  return add(x, mul(reshape(sub(times.to, times.from), [x.shape[0], 1]), g))
}

/**
 * A trained IMM network as a {@link FlowMap}: `f(x, τ → σ) = x + (σ − τ) G_θ(x, τ, σ)`, the
 * paper's Euler-FM parameterisation (its DDIM interpolant from τ to σ applied to the
 * flow-matching data prediction x + (1 − τ) G). Intermediates are freed after each call.
 *
 * @param config - the architecture
 * @param params - trained parameters (or their EMA)
 * @returns `(x, from, to) => f`
 * @throws InvalidArgumentError for a bad config
 * @example
 * ```ts
 * const x = flowMapSample(immFlowMap(config, result.ema ?? result.params), { key: key(0), shape: [1000, 2], numSteps: 2 })
 * ```
 */
export function immFlowMap(config: ImmMlpConfig, params: ImmMlpParams): FlowMap {
  resolve(config)
  return (x, from, to) => tidy(() => applyFlowMap(config, params, x, { from, to }))
}

/** Options of {@link flowMapSample}. */
export interface FlowMapSampleOptions extends SamplerStart {
  /** Equal steps over [0, 1]. Default 1; ignored when `times` is given. */
  readonly numSteps?: number
  /** An increasing time grid from 0 to 1 (both included). */
  readonly times?: readonly number[]
}

/**
 * Pushforward sampling with a flow map (Zhou et al. 2025, Algorithm 2 without restarts):
 * start from z ~ N(0, I) at t = 0 and apply x ← f(x, tᵢ → tᵢ₊₁) along the grid up to t = 1.
 * One step is one network call from noise to data.
 *
 * Shapes: `shape` (or initialNoise) `[B, ...]` → `[B, ...]`.
 *
 * @param flowMap - f(x, from, to), e.g. {@link immFlowMap}
 * @param options - key, shape or initialNoise, numSteps (default 1) or times, onStep
 * @returns samples at t = 1
 * @throws InvalidArgumentError for a bad grid, key or shape
 * @example
 * ```ts
 * const x = flowMapSample(flowMap, { key: key(0), shape: [1000, 2], numSteps: 4 })
 * ```
 */
export function flowMapSample(flowMap: FlowMap, options: FlowMapSampleOptions): Tensor {
  const op = 'flowMapSample'
  checkFunction(op, 'flowMap', flowMap)
  const times = flowMapGrid(op, options)
  const start = startState(op, options)
  let x = start.x
  const numSteps = times.length - 1
  for (let step = 0; step < numSteps; step++) {
    const current = x
    const from = timeTensor(times[step], current)
    const to = timeTensor(times[step + 1], current)
    const next = flowMap(current, from, to)
    from.dispose()
    to.dispose()
    if (next.shape.length !== current.shape.length || next.shape.some((d, i) => d !== current.shape[i])) {
      throw new ShapeError(
        op,
        `flowMap output must have the input's shape [${current.shape.join(', ')}], got [${next.shape.join(', ')}]`,
        [current.shape, next.shape],
      )
    }
    emit(start.onStep, { step, numSteps, t: times[step], x: next })
    if (current !== start.x || options.initialNoise === undefined) current.dispose()
    x = next
  }
  return x
}

function flowMapGrid(op: string, options: FlowMapSampleOptions): Float64Array {
  checkObject(op, 'options', options)
  if (options.times !== undefined) {
    const times = options.times as unknown
    if (!Array.isArray(times) || times.length < 2) {
      throw new InvalidArgumentError(
        op,
        'times',
        `must be an array of at least 2 times from 0 to 1, got ${describe(times)}`,
      )
    }
    const grid = Float64Array.from(times as number[])
    if (grid[0] !== 0 || grid[grid.length - 1] !== 1 || grid.some((v, i) => i > 0 && !(v > grid[i - 1]))) {
      throw new InvalidArgumentError(
        op,
        'times',
        `must increase strictly from 0 to 1, got [${Array.from(grid).join(', ')}]`,
      )
    }
    return grid
  }
  const numSteps = options.numSteps ?? 1
  checkInteger(op, 'numSteps', numSteps)
  return Float64Array.from({ length: numSteps + 1 }, (_, i) => i / numSteps)
}

/** The IMM training objective's settings (defaults are the paper's, rewritten in flow time). */
export interface ImmObjective {
  /** Samples per (τ, r, σ) group, M of the paper's MMD. Default 4 (its choice). */
  readonly groupSize?: number
  /**
   * k of the mapping r(τ, σ): one step of r moves the noise-to-signal ratio η = (1 − t)/t by
   * (η_max − η_min)/2^k with η_max = 0.994/0.006 and η_min = 0.006/0.994 (the paper's
   * T = 0.994, ε = 0.006). Default 12 (the paper's). Smaller k: longer induction steps.
   */
  readonly mappingK?: number
  /** Smallest r − τ (the official code's min_tr_gap). Default 0. */
  readonly minGap?: number
  /** a of the weight w(τ) (1 or 2 in the paper). Default 1. */
  readonly weightA?: number
  /** b of the weight w(τ), the log-SNR where it turns off. Default 4. */
  readonly weightB?: number
}

/** Resolved IMM settings. */
type ResolvedObjective = Required<ImmObjective>

function resolveObjective(op: string, objective: ImmObjective | undefined): ResolvedObjective {
  const o = objective ?? {}
  checkObject(op, 'objective', o)
  const resolved = {
    groupSize: o.groupSize ?? 4,
    mappingK: o.mappingK ?? 12,
    minGap: o.minGap ?? 0,
    weightA: o.weightA ?? 1,
    weightB: o.weightB ?? 4,
  }
  checkInteger(op, 'objective.groupSize', resolved.groupSize, 2)
  checkNumber(op, 'objective.mappingK', resolved.mappingK, { lo: 0 })
  checkNumber(op, 'objective.minGap', resolved.minGap, { lo: 0, hi: 1 })
  checkNumber(op, 'objective.weightA', resolved.weightA, { lo: 0 })
  checkNumber(op, 'objective.weightB', resolved.weightB)
  return resolved
}

const etaMax = 0.994 / 0.006
const etaMin = 0.006 / 0.994

/**
 * The mapping r(τ, σ) of IMM (the paper's "constant decrement in η", eq. 13 rewritten in flow
 * time): with η(t) = (1 − t)/t, r = min(σ, max(τ + minGap, η⁻¹(η(τ) − ε))) where
 * ε = (η_max − η_min)/2^k and η⁻¹(e) = 1/(1 + e). So τ < r ≤ σ and r − τ shrinks as k grows.
 *
 * @param from - τ in [0, 1) (τ = 0, pure noise, has η = ∞ and gets r = τ + minGap)
 * @param to - σ in (τ, 1]
 * @param objective - mappingK (12), minGap (0)
 * @returns r
 * @example
 * ```ts
 * immMapping(0.5, 1, { mappingK: 12 }) // 0.5 + about 0.01
 * ```
 */
export function immMapping(from: number, to: number, objective: ImmObjective = {}): number {
  const o = resolveObjective('immMapping', objective)
  const decrement = (etaMax - etaMin) / 2 ** o.mappingK
  const eta = from <= 0 ? Infinity : (1 - from) / from
  const stepped = Number.isFinite(eta) ? 1 / (1 + Math.max(eta - decrement, 0)) : from
  return Math.min(to, Math.max(from + o.minGap, stepped))
}

/**
 * The time weight of IMM's loss (the paper's w(s, t) = ½ σ(b − λ_t) (−dλ_t/dt) α_t^a /
 * (α_t² + σ_t²), with λ = log-SNR), in flow time τ (α = τ, σ = 1 − τ, λ = 2 ln(τ/(1 − τ))):
 * w(τ) = sigmoid(b − λ) τ^(a − 1) / ((1 − τ)(τ² + (1 − τ)²)). It is 1 at pure noise for
 * a = 1 and falls to 0 at the data end.
 *
 * @param from - τ in [0, 1)
 * @param objective - weightA (1), weightB (4)
 * @returns w(τ) >= 0
 * @example
 * ```ts
 * immWeight(0) // 1
 * ```
 */
export function immWeight(from: number, objective: ImmObjective = {}): number {
  const o = resolveObjective('immWeight', objective)
  if (from >= 1) return 0
  const lambda = from <= 0 ? -Infinity : 2 * Math.log(from / (1 - from))
  const sig = 1 / (1 + Math.exp(-(o.weightB - lambda)))
  const power = o.weightA === 1 ? 1 : from ** (o.weightA - 1)
  return (sig * power) / ((1 - from) * (from * from + (1 - from) * (1 - from)))
}

/**
 * The MMD² of IMM between two groups of flow-map outputs with the Laplace kernel
 * k(x, y) = exp(−w̃ max(‖x − y‖, 10⁻⁴)/D) (the paper's eq. 14 with w̃ = 1/|c_out| = 1/(σ − τ)):
 * for each group g, mean_{i,j} [k(aᵢ, aⱼ) + k(bᵢ, bⱼ) − 2 k(aᵢ, bⱼ)], a biased V-statistic
 * (never negative).
 *
 * Shapes: a, b `[G, M, D]`; kernelWeight `[G]` → `[G]`.
 *
 * @param a - the trained side, f_θ(x_τ, τ → σ)
 * @param b - the stop-gradient side, f_θ⁻(x_r, r → σ)
 * @param kernelWeight - w̃ of each group
 * @returns MMD² of each group
 * @throws ShapeError when the shapes do not fit
 * @example
 * ```ts
 * laplaceMmd(a, a, fromArray([1])) // [0]
 * ```
 */
export function laplaceMmd(a: Tensor, b: Tensor, kernelWeight: Tensor): Tensor {
  const op = 'laplaceMmd'
  checkTensor(op, 'a', a)
  checkTensor(op, 'b', b)
  checkTensor(op, 'kernelWeight', kernelWeight)
  if (a.rank !== 3 || b.rank !== 3 || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      op,
      `a and b must both be [G, M, D], got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
      [a.shape, b.shape],
    )
  }
  const [g, m, d] = a.shape
  checkShape(op, 'kernelWeight', kernelWeight, [g])
  const scale = reshape(mul(kernelWeight, 1 / d), [g, 1, 1])
  const kernelMean = (x: Tensor, y: Tensor): Tensor => {
    const diff = sub(reshape(x, [g, m, 1, d]), reshape(y, [g, 1, m, d]))
    const distance = sqrt(maximum(sum(square(diff), { axis: 3 }), 1e-8))
    return mean(exp(mul(mul(distance, scale), -1)), { axis: [1, 2] })
  }
  return sub(add(kernelMean(a, a), kernelMean(b, b)), mul(kernelMean(a, b), 2))
}

/** Options of {@link trainImm}. */
export interface TrainImmOptions extends FewStepTrainOptions {
  readonly config: ImmMlpConfig
  readonly params: ImmMlpParams
  /** Training data `[N, D]`. */
  readonly data: Tensor
  /** Group size, mapping and weighting. */
  readonly objective?: ImmObjective
}

interface ImmBatch {
  readonly input: Tensor
  readonly from: Tensor
  readonly to: Tensor
  readonly target: Tensor
  readonly kernelWeight: Tensor
  readonly weight: Tensor
}

/**
 * @internal One IMM batch: G = batchSize/M groups; each draws τ ~ U[0, 1), σ ~ U[τ, 1],
 * r = {@link immMapping}(τ, σ) and M data points x with noise z; x_τ = τ x + (1 − τ) z and
 * x_r = r x + (1 − r) z share (x, z) (the DDIM interpolant from τ to r); the target is
 * f_θ⁻(x_r, r → σ) under the current weights, computed here outside the gradient.
 */
export function immBatch(
  config: ImmMlpConfig,
  params: ImmMlpParams,
  data: Tensor,
  options: { readonly batchSize: number; readonly key: Key; readonly objective: ResolvedObjective },
): ImmBatch {
  const { batchSize, key, objective } = options
  const m = objective.groupSize
  const groups = batchSize / m
  const dim = data.shape[1]
  const u = uniformFloats(fold(key, 0), 2 * groups, 'float64')
  const from = new Float32Array(batchSize)
  const to = new Float32Array(batchSize)
  const mid = new Float32Array(batchSize)
  const kernelWeight = new Float32Array(groups)
  const weight = new Float32Array(groups)
  for (let g = 0; g < groups; g++) {
    const tau = 0.999 * u[2 * g]
    const sigma = tau + (1 - tau) * u[2 * g + 1]
    const r = immMapping(tau, sigma, objective)
    kernelWeight[g] = 1 / Math.max(sigma - tau, 1e-3)
    weight[g] = immWeight(tau, objective)
    for (let i = 0; i < m; i++) {
      from[g * m + i] = tau
      to[g * m + i] = sigma
      mid[g * m + i] = r
    }
  }
  const index = randint(fold(key, 1), [batchSize], { high: data.shape[0], backend: data.backend })
  const x = indexSelect(data, 0, index)
  const z = fromArray(normalFloats(fold(key, 2), batchSize * dim, 'float64'), {
    shape: [batchSize, dim],
    backend: data.backend,
    dtype: 'float32',
  })
  const along = (times: Float32Array): Tensor => {
    const t = fromArray(times, { shape: [batchSize, 1], backend: data.backend })
    return add(mul(t, x), mul(sub(1, t), z))
  }
  const tensor = (values: Float32Array): Tensor => fromArray(values, { backend: data.backend })
  const toT = tensor(to)
  const target = applyFlowMap(config, params, along(mid), { from: tensor(mid), to: toT })
  return {
    input: along(from),
    from: tensor(from),
    to: toT,
    target: reshape(target, [groups, m, dim]),
    kernelWeight: tensor(kernelWeight),
    weight: tensor(weight),
  }
}

/**
 * Trains an IMM flow map on data (Zhou et al. 2025, Algorithm 1): each step draws groups
 * sharing (τ, r, σ) (`immBatch`) and minimises mean_g w(τ_g) MMD²_g between
 * f_θ(x_τ, τ → σ) and the stop-gradient f_θ⁻(x_r, r → σ) ({@link laplaceMmd}), with Adam,
 * optional clipping and an EMA. No pre-trained flow is needed.
 *
 * Shapes: data `[N, D]`; batchSize a multiple of the group size.
 *
 * @param options - config, params, data, objective (groupSize 4, mappingK 12, minGap 0,
 *   weightA 1, weightB 4), steps, batchSize, optimizer, emaDecay, key, logEvery, onProgress
 * @returns params, EMA and history; sample with `flowMapSample(immFlowMap(config, ema), ...)`
 * @throws InvalidArgumentError for bad options (a batch not divisible into groups) or a non-finite loss
 * @throws ShapeError when the data does not fit the config
 * @example
 * ```ts
 * const config = { kind: 'imm-mlp', dataDim: 2, hidden: [128, 128, 128] } as const
 * const result = trainImm({ config, params: initImmMlp(config, { key: key(0) }), data, steps: 5000, batchSize: 256, key: key(1) })
 * const x = flowMapSample(immFlowMap(config, result.ema ?? result.params), { key: key(2), shape: [1000, 2], numSteps: 2 })
 * ```
 */
export function trainImm(options: TrainImmOptions): FewStepTrainResult<ImmMlpParams> {
  const op = 'trainImm'
  checkObject(op, 'options', options)
  const { config, data } = options
  const c = resolve(config)
  const objective = resolveObjective(op, options.objective)
  checkTensor(op, 'data', data)
  checkShape(op, 'data', data, [-1, c.dataDim])
  checkInteger(op, 'batchSize', options.batchSize)
  if (options.batchSize % objective.groupSize !== 0) {
    throw new InvalidArgumentError(
      op,
      'batchSize',
      `must be a multiple of objective.groupSize = ${objective.groupSize}, got ${options.batchSize}`,
    )
  }
  const m = objective.groupSize
  return runTrainLoop({
    ...options,
    op,
    makeBatch: (params, key) =>
      immBatch(config, params, data, { batchSize: options.batchSize, key, objective }),
    loss: (p, batch) => {
      const out = applyFlowMap(config, p, batch.input, batch)
      const groups = options.batchSize / m
      const mmd = laplaceMmd(reshape(out, [groups, m, c.dataDim]), batch.target, batch.kernelWeight)
      return mean(mul(mmd, batch.weight))
    },
  })
}
