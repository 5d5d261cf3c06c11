import {
  checkOptions,
  InvalidArgumentError,
  ShapeError,
  Tensor,
  matmul,
  mul,
  softmax,
  split,
  transpose,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'
import { normalInit, xavierUniform } from '@gen/core-tensor/nn'
import { checkFinite, checkKey, checkPositiveInteger, describeValue } from './internal/validate'

/** Options of {@link hopfieldAttention}. */
export interface HopfieldAttentionOptions {
  /** Inverse temperature β > 0. */
  beta: number
  /** Updates of the state before the values are read out; default 1 (plain attention). */
  updateSteps?: number
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`
}

function checkTensorArgument(op: string, argument: string, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor)) {
    throw new InvalidArgumentError(op, argument, `must be a Tensor, got ${describeValue(value)}`)
  }
}

function checkBeta(op: string, beta: number): void {
  checkFinite(op, 'beta', beta)
  if (!(beta > 0)) throw new InvalidArgumentError(op, 'beta', `must be > 0, got ${beta}`)
}

/**
 * The Hopfield update as a differentiable tensor op: the states R retrieve from the stored
 * patterns Y, and the result is read out through the values V,
 *
 *   Ξ ← softmax(β Ξ Yᵀ) Y   (repeated `updateSteps` − 1 times, starting from Ξ = R),
 *   Z = softmax(β Ξ Yᵀ) V,
 *
 * which for one step is transformer attention with keys Y and values V (Ramsauer et al. 2020,
 * Eq. 10). Every operation is a core-tensor op, so `grad` differentiates through it.
 *
 * Shapes: states `[n, d]` (or `[d]`), storedPatterns `[K, d]`, storedValues `[K, v]` →
 * `[n, v]` (or `[v]`).
 *
 * @param states - R, the queries (state patterns)
 * @param storedPatterns - Y, K stored patterns (the keys)
 * @param storedValues - V, one value row per stored pattern
 * @param options - β > 0 and updateSteps
 * @returns Z
 * @throws ShapeError when the dimensions do not fit
 * @throws InvalidArgumentError for a non-tensor argument, β ≤ 0 or a bad step count
 * @example
 * ```ts
 * const y = fromArray([[1, 0], [0, 1]])
 * hopfieldAttention(fromArray([[4, 0]]), y, y, { beta: 4 }).toArray() // ≈ [[1, 0]]
 * ```
 * @see Ramsauer et al. (2020), "Hopfield Networks is All You Need", arXiv:2008.02217, Eqs. 3 and 10.
 */
export function hopfieldAttention(
  states: Tensor,
  storedPatterns: Tensor,
  storedValues: Tensor,
  options: HopfieldAttentionOptions,
): Tensor {
  checkOptions('hopfieldAttention', options)
  const op = 'hopfieldAttention'
  checkTensorArgument(op, 'states', states)
  checkTensorArgument(op, 'storedPatterns', storedPatterns)
  checkTensorArgument(op, 'storedValues', storedValues)
  checkBeta(op, options.beta)
  const updateSteps = options.updateSteps ?? 1
  checkPositiveInteger(op, 'updateSteps', updateSteps)
  if (states.rank !== 1 && states.rank !== 2) {
    throw new ShapeError(op, `states must have rank 1 or 2, got ${fmt(states.shape)}`, [states.shape])
  }
  if (storedPatterns.rank !== 2 || storedValues.rank !== 2) {
    throw new ShapeError(
      op,
      `storedPatterns and storedValues must have rank 2, got ${fmt(storedPatterns.shape)} and ${fmt(storedValues.shape)}`,
      [storedPatterns.shape, storedValues.shape],
    )
  }
  const d = states.shape[states.rank - 1]
  if (storedPatterns.shape[1] !== d || storedValues.shape[0] !== storedPatterns.shape[0]) {
    throw new ShapeError(
      op,
      `states [n, d], storedPatterns [K, d] and storedValues [K, v] must agree, got ${fmt(states.shape)}, ${fmt(storedPatterns.shape)} and ${fmt(storedValues.shape)}`,
      [states.shape, storedPatterns.shape, storedValues.shape],
    )
  }
  const keysT = transpose(storedPatterns)
  let xi = states
  for (let s = 1; s < updateSteps; s++)
    xi = matmul(softmax(mul(matmul(xi, keysT), options.beta), -1), storedPatterns)
  return matmul(softmax(mul(matmul(xi, keysT), options.beta), -1), storedValues)
}

/**
 * Configuration of a Hopfield layer with learned stored patterns (the `HopfieldLayer` of
 * Ramsauer et al. 2020, §3): inputs are projected to queries, which retrieve from K learned
 * patterns, and each pattern carries a learned output row. A plain, JSON-serialisable object.
 */
export interface HopfieldLayerConfig {
  /** Features per input row. */
  inputSize: number
  /** Dimension d of the queries and stored patterns (the associative space). */
  hiddenSize: number
  /** Number K of learned stored patterns. */
  patternCount: number
  /** Features per output row. */
  outputSize: number
  /** Inverse temperature β > 0; default 1/√hiddenSize, the attention scaling. */
  beta?: number
  /** Hopfield updates per call; default 1. */
  updateSteps?: number
}

/**
 * Parameters of a Hopfield layer: a plain tree of tensors (STYLE §6), ready for `grad` and
 * the optimizers of `@gen/core-tensor/optim`.
 */
// A type alias, not an interface, so that it is assignable to core-tensor's TensorTree.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type HopfieldLayerParams = {
  /** W_Q, `[inputSize, hiddenSize]`: queries are R = input · W_Q. */
  readonly queryWeight: Tensor
  /** Y, `[patternCount, hiddenSize]`: the learned stored patterns (keys). */
  readonly storedPatterns: Tensor
  /** V, `[patternCount, outputSize]`: what each stored pattern writes to the output. */
  readonly storedValues: Tensor
}

/**
 * Checks a {@link HopfieldLayerConfig} and fills in its defaults.
 *
 * @param config - the configuration
 * @returns the configuration with `beta` and `updateSteps` set
 * @throws InvalidArgumentError for a size that is not a positive integer, β ≤ 0 or a bad step count
 * @example
 * ```ts
 * validateHopfieldLayerConfig({ inputSize: 2, hiddenSize: 8, patternCount: 4, outputSize: 2 }).beta // 1/√8
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, §3.
 */
export function validateHopfieldLayerConfig(config: HopfieldLayerConfig): Required<HopfieldLayerConfig> {
  const op = 'validateHopfieldLayerConfig'
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError(op, 'config', `must be an object, got ${describeValue(config)}`)
  }
  for (const name of ['inputSize', 'hiddenSize', 'patternCount', 'outputSize'] as const) {
    checkPositiveInteger(op, name, config[name])
  }
  const beta = config.beta ?? 1 / Math.sqrt(config.hiddenSize)
  checkBeta(op, beta)
  const updateSteps = config.updateSteps ?? 1
  checkPositiveInteger(op, 'updateSteps', updateSteps)
  return { ...config, beta, updateSteps }
}

/**
 * Initialises a Hopfield layer: W_Q by Xavier-uniform, the stored patterns Y ~ N(0, 1) (so
 * queries see patterns of norm ≈ √d), the values V ~ N(0, 1/K).
 *
 * @param config - the layer configuration
 * @param options - `key` for the random draws, `backend` of the tensors (default cpu)
 * @returns the parameter tree
 * @throws InvalidArgumentError for a bad configuration or key
 * @example
 * ```ts
 * const params = hopfieldLayerInit(
 *   { inputSize: 2, hiddenSize: 8, patternCount: 4, outputSize: 2 },
 *   { key: key(0), backend: reference },
 * )
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, §3 (layer `HopfieldLayer`).
 */
export function hopfieldLayerInit(
  config: HopfieldLayerConfig,
  options: { key: Key; backend?: BackendV1 },
): HopfieldLayerParams {
  const c = validateHopfieldLayerConfig(config)
  checkKey('hopfieldLayerInit', 'key', options.key)
  const backend = options.backend
  const [qKey, yKey, vKey] = split(options.key, 3)
  return {
    // xavierUniform takes [out, in]; the transpose keeps rows = inputs.
    queryWeight: transpose(xavierUniform(qKey, [c.hiddenSize, c.inputSize], { backend })),
    storedPatterns: normalInit(yKey, [c.patternCount, c.hiddenSize], { std: 1, backend }),
    storedValues: normalInit(vKey, [c.patternCount, c.outputSize], {
      std: 1 / Math.sqrt(c.patternCount),
      backend,
    }),
  }
}

/**
 * Applies a Hopfield layer: Z = softmax(β (X W_Q) Yᵀ) V, with `updateSteps` Hopfield updates of
 * the query before the read-out (see {@link hopfieldAttention}). Pure: differentiable with
 * respect to every parameter and to the input.
 *
 * Shapes: input `[B, inputSize]` → `[B, outputSize]`.
 *
 * @param params - W_Q, Y, V
 * @param input - X
 * @param config - the layer configuration (β, updateSteps)
 * @returns Z
 * @throws ShapeError when the input or parameters do not fit the configuration
 * @throws InvalidArgumentError for a bad configuration
 * @example
 * ```ts
 * const logits = hopfieldLayer(params, fromArray([[1, -1]], { backend: reference }), config)
 * ```
 * @see Ramsauer et al. (2020), arXiv:2008.02217, Eq. 10 and §3.
 */
export function hopfieldLayer(
  params: HopfieldLayerParams,
  input: Tensor,
  config: HopfieldLayerConfig,
): Tensor {
  const op = 'hopfieldLayer'
  const c = validateHopfieldLayerConfig(config)
  checkTensorArgument(op, 'input', input)
  if (params === null || typeof params !== 'object') {
    throw new InvalidArgumentError(
      op,
      'params',
      `must be made by hopfieldLayerInit, got ${describeValue(params)}`,
    )
  }
  checkTensorArgument(op, 'params.queryWeight', params.queryWeight)
  checkTensorArgument(op, 'params.storedPatterns', params.storedPatterns)
  checkTensorArgument(op, 'params.storedValues', params.storedValues)
  const expected: [string, Tensor, number[]][] = [
    ['params.queryWeight', params.queryWeight, [c.inputSize, c.hiddenSize]],
    ['params.storedPatterns', params.storedPatterns, [c.patternCount, c.hiddenSize]],
    ['params.storedValues', params.storedValues, [c.patternCount, c.outputSize]],
  ]
  for (const [name, t, shape] of expected) {
    if (t.rank !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
      throw new ShapeError(op, `${name} must have shape ${fmt(shape)}, got ${fmt(t.shape)}`, [t.shape])
    }
  }
  if (input.rank !== 2 || input.shape[1] !== c.inputSize) {
    throw new ShapeError(op, `input must have shape [B, ${c.inputSize}], got ${fmt(input.shape)}`, [
      input.shape,
    ])
  }
  const queries = matmul(input, params.queryWeight)
  return hopfieldAttention(queries, params.storedPatterns, params.storedValues, {
    beta: c.beta,
    updateSteps: c.updateSteps,
  })
}
