/**
 * Random tensors drawn from a key (Philox4x32-10 streams, `random/`): Bernoulli masks,
 * categorical samples from logits, uniform integers and truncated normals. Sampling happens on
 * the host in float64 and the result is uploaded, so the same key gives the same tensor on
 * every backend. None of these take a gradient (they are constants to the tape).
 */
import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { fold, type Key } from '../random/key'
import { normalFloats, randomIntegers, uniformFloats } from '../random/distributions'
import { Tensor } from '../tensor'
import { fromArray } from './creation'
import { checkElementCount, checkTensor, fmtShape } from './internal'

/** Options shared by the random tensor constructors. */
export interface RandomTensorOptions {
  /** Backend of the result; defaults to `cpu` (or the backend of a tensor argument). */
  readonly backend?: BackendV1
}

function checkShape(op: string, shape: unknown): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    throw new InvalidArgumentError(
      op,
      'shape',
      `must be an array of integers >= 0, got ${JSON.stringify(shape)}`,
    )
  }
  checkElementCount(op, 'shape', shape as readonly number[])
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/**
 * Bernoulli samples: `true` with probability p, elementwise, as a bool tensor
 * (`u < p` for u ~ U[0, 1) in float64, so p = 0 never and p = 1 always gives true).
 *
 * Shapes: `p` a number with `options.shape` (default `[]`), or a tensor of probabilities whose
 * shape the result takes.
 *
 * @param key - the random key
 * @param p - probability in [0, 1], a number or a float tensor
 * @param options - shape (for a number p) and backend
 * @returns a bool tensor
 * @throws InvalidArgumentError for a probability outside [0, 1] or a bad shape
 * @example
 * ```ts
 * const mask = bernoulli(key(0), 0.9, { shape: [128, 512] }) // keep 90%
 * ```
 */
export function bernoulli(
  key: Key,
  p: number | Tensor,
  options: RandomTensorOptions & { readonly shape?: readonly number[] } = {},
): Tensor {
  const op = 'bernoulli'
  let probs: ArrayLike<number>
  let shape: readonly number[]
  let backend = options.backend ?? cpu
  if (p instanceof Tensor) {
    checkTensor(op, 'p', p)
    if (options.shape !== undefined && fmtShape(options.shape) !== fmtShape(p.shape)) {
      throw new ShapeError(
        op,
        `shape must equal p's shape ${fmtShape(p.shape)}, got ${fmtShape(options.shape)}`,
      )
    }
    probs = p.dataSync()
    shape = p.shape
    backend = options.backend ?? p.backend
  } else {
    shape = options.shape ?? []
    checkShape(op, shape)
    probs = [p]
  }
  for (let i = 0; i < probs.length; i++) {
    const v = probs[i]
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidArgumentError(
        op,
        'p',
        `must lie in [0, 1], got ${String(v)}${probs.length > 1 ? ` at flat index ${i}` : ''}`,
      )
    }
  }
  const size = sizeOf(shape)
  const u = uniformFloats(key, size, 'float64')
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = u[i] < (probs.length === 1 ? probs[0] : probs[i]) ? 1 : 0
  return fromArray(out, { shape, backend, dtype: 'bool' })
}

/**
 * Samples class indices from unnormalised log-probabilities along the last axis, by the
 * inverse CDF of softmax(logits) computed in float64 after subtracting the row maximum, so
 * logits of any size are safe (case H1) and a class with logit −∞ is never drawn.
 * Equivalent in distribution to the Gumbel-max trick `argmax(logits + G)` (Gumbel 1954;
 * Maddison et al. 2014).
 *
 * Shapes: logits `[..., C]` → int32 `[...]` (one draw per row), or `[..., numSamples]` with
 * `numSamples` draws per row.
 *
 * @param key - the random key
 * @param logits - float tensor `[..., C]`; each row needs a finite entry and no NaN
 * @param options - numSamples (draws per row; default one, without the extra axis), backend
 * @returns int32 indices in [0, C)
 * @throws ShapeError for a rank-0 or empty class axis
 * @throws InvalidArgumentError for NaN, +∞ or an all −∞ row, or a bad numSamples
 * @example
 * ```ts
 * const tokens = categorical(key(1), logits) // logits [batch, vocab] → [batch]
 * ```
 */
export function categorical(
  key: Key,
  logits: Tensor,
  options: RandomTensorOptions & { readonly numSamples?: number } = {},
): Tensor {
  const op = 'categorical'
  checkTensor(op, 'logits', logits)
  if (logits.dtype !== 'float32')
    throw new DTypeError(op, `logits must be float32, got ${logits.dtype}`, logits.dtype)
  if (logits.rank === 0 || logits.shape[logits.rank - 1] === 0) {
    throw new ShapeError(op, `logits must have a non-empty last (class) axis, got ${fmtShape(logits.shape)}`)
  }
  const { numSamples } = options
  if (numSamples !== undefined && (!Number.isSafeInteger(numSamples) || numSamples < 1)) {
    throw new InvalidArgumentError(op, 'numSamples', `must be an integer >= 1, got ${String(numSamples)}`)
  }
  const draws = numSamples ?? 1
  const classes = logits.shape[logits.rank - 1]
  const rows = logits.size / classes
  const values = logits.dataSync()
  const u = uniformFloats(key, rows * draws, 'float64')
  const out = new Int32Array(rows * draws)
  const cdf = new Float64Array(classes)
  for (let r = 0; r < rows; r++) {
    let top = -Infinity
    for (let c = 0; c < classes; c++) {
      const v = values[r * classes + c]
      if (Number.isNaN(v) || v === Infinity) {
        throw new InvalidArgumentError(op, 'logits', `must be finite or -Infinity, got ${v} in row ${r}`)
      }
      if (v > top) top = v
    }
    if (top === -Infinity) {
      throw new InvalidArgumentError(
        op,
        'logits',
        `each row needs a finite entry, got row ${r} all -Infinity`,
      )
    }
    let total = 0
    for (let c = 0; c < classes; c++) {
      total += Math.exp(values[r * classes + c] - top)
      cdf[c] = total
    }
    for (let s = 0; s < draws; s++) {
      const target = u[r * draws + s] * total
      let c = 0
      // the first class whose cumulative mass exceeds the target: target < total = cdf[C-1], and
      // cdf only rises at classes of positive mass, so a zero-mass class never wins
      while (c < classes - 1 && !(cdf[c] > target)) c++
      out[r * draws + s] = c
    }
  }
  const shape = numSamples === undefined ? logits.shape.slice(0, -1) : [...logits.shape.slice(0, -1), draws]
  return fromArray(out, { shape, backend: options.backend ?? logits.backend, dtype: 'int32' })
}

/** Options of {@link randint}. */
export interface RandintOptions extends RandomTensorOptions {
  /** Inclusive lower bound, an int32. Default 0. */
  readonly low?: number
  /** Exclusive upper bound, an int32 above low. */
  readonly high: number
}

/**
 * Uniform random integers in [low, high) without modulo bias (Lemire's method), as an int32
 * tensor.
 *
 * @param key - the random key
 * @param shape - the result's shape
 * @param options - low (default 0), high, backend
 * @returns an int32 tensor
 * @throws InvalidArgumentError for bounds that are not int32 or low >= high
 * @example
 * ```ts
 * const timesteps = randint(key(2), [128], { high: 1000 }) // DDPM training timesteps
 * ```
 */
export function randint(key: Key, shape: readonly number[], options: RandintOptions): Tensor {
  const op = 'randint'
  checkShape(op, shape)
  const { low = 0, high } = options
  const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= -(2 ** 31) && v <= 2 ** 31 - 1
  if (!isInt32(low)) throw new InvalidArgumentError(op, 'low', `must be an int32, got ${String(low)}`)
  if (!isInt32(high) || high <= low) {
    throw new InvalidArgumentError(op, 'high', `must be an int32 above low = ${low}, got ${String(high)}`)
  }
  const values = randomIntegers(key, sizeOf(shape), low, high)
  return fromArray(Int32Array.from(values), { shape, backend: options.backend ?? cpu, dtype: 'int32' })
}

/** Options of {@link truncatedNormal}. */
export interface TruncatedNormalOptions extends RandomTensorOptions {
  /** Lower bound in standard deviations from the mean. Default −2. */
  readonly lower?: number
  /** Upper bound in standard deviations from the mean. Default 2. */
  readonly upper?: number
  /** Mean. Default 0. */
  readonly mean?: number
  /** Standard deviation, > 0. Default 1. */
  readonly std?: number
}

/**
 * Normal samples truncated to [mean + lower·std, mean + upper·std] (as `jax.random.truncated_normal`
 * and `nn.init.trunc_normal_`), by rejection from float64 Box–Muller normals; rounds of
 * redraws use keys folded from `key`, so the result is a function of the key alone.
 *
 * With the default bounds ±2, Var = 1 − 4φ(2)/(Φ(2) − Φ(−2)) ≈ 0.7737 (times std²).
 *
 * @param key - the random key
 * @param shape - the result's shape
 * @param options - lower, upper (in standard deviations), mean, std, backend
 * @returns a float32 tensor
 * @throws InvalidArgumentError for lower >= upper, std <= 0, or an interval so far in the tail
 *   that rejection cannot fill it (fewer than about 1 in 10⁴ draws accepted)
 * @example
 * ```ts
 * const w = truncatedNormal(key(3), [512, 784], { std: 0.02 }) // ViT/BERT-style init
 * ```
 */
export function truncatedNormal(
  key: Key,
  shape: readonly number[],
  options: TruncatedNormalOptions = {},
): Tensor {
  const op = 'truncatedNormal'
  checkShape(op, shape)
  const { lower = -2, upper = 2, mean = 0, std = 1 } = options
  if (!(Number.isFinite(lower) || lower === -Infinity) || !(upper > lower)) {
    throw new InvalidArgumentError(op, 'upper', `must exceed lower = ${String(lower)}, got ${String(upper)}`)
  }
  if (!(std > 0) || !Number.isFinite(std))
    throw new InvalidArgumentError(op, 'std', `must be finite and > 0, got ${String(std)}`)
  if (!Number.isFinite(mean))
    throw new InvalidArgumentError(op, 'mean', `must be finite, got ${String(mean)}`)
  const size = sizeOf(shape)
  const out = new Float64Array(size)
  let filled = 0
  let drawn = 0
  for (let round = 0; filled < size; round++) {
    const batch = Math.max(64, 2 * (size - filled))
    const z = normalFloats(fold(key, round), batch, 'float64')
    drawn += batch
    for (let i = 0; i < batch && filled < size; i++) {
      if (z[i] >= lower && z[i] <= upper) out[filled++] = mean + std * z[i]
    }
    if (filled < size && drawn > 1e4 * size + 1e5) {
      throw new InvalidArgumentError(
        op,
        'lower',
        `the interval [${lower}, ${upper}] must hold enough normal mass for rejection sampling, got ${filled} of ${size} after ${drawn} draws`,
      )
    }
  }
  return fromArray(out, { shape, backend: options.backend ?? cpu })
}
