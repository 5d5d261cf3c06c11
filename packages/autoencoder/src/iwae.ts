/**
 * The importance-weighted bound (Burda, Grosse & Salakhutdinov 2016, "Importance Weighted
 * Autoencoders", eq. 8), a log-likelihood estimate that tightens with the number of samples:
 *
 * ```
 * L_k(x) = E[ log (1/k) Σ_i p(x, z_i) / q(z_i | x) ],   z_i ~ q(z | x)
 * L_1 = ELBO ≤ L_k ≤ L_{k+1} ≤ log p(x)
 * ```
 */
import {
  concat,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  mul,
  noGrad,
  normalFloats,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  type TypedArray,
  broadcastTo,
  add,
  exp,
} from '@gen/core-tensor'
import type { AutoencoderConfig } from './config'
import { type AutoencoderParams, decode, encode, reconstructionLogLik } from './model'

/** Options of {@link iwaeBound}. */
export interface IwaeOptions {
  /** Importance samples k per example (integer >= 1). */
  readonly samples: number
  /** The random key: sample i of batch b draws its ε `[batch, Z]` from `fold(fold(key, b), i)`. */
  readonly key: Key
  /** Examples per encoder pass. Default 100. */
  readonly batchSize?: number
  /** At most this many decoded rows (samples × examples) at once, bounding memory. Default 5000. */
  readonly maxRows?: number
  /** int32 `[N]` labels for a conditional model. */
  readonly labels?: Tensor
}

/**
 * The k-sample importance-weighted bound per example, in nats. Samples are processed in
 * chunks of at most `maxRows` decoded rows and combined by a running log-sum-exp in float64,
 * so k = 1000 or more fits in a few MB and never overflows.
 *
 * `log w_i = log p(x | z_i) + log N(z_i; 0, I) − log N(z_i; μ, σ²)` with `z_i = μ + σ ε_i`,
 * so `log p(z_i) − log q(z_i | x) = −½ Σ_j (z_ij² − ε_ij² − logVar_j)`.
 *
 * @param config - a VAE config
 * @param params - its parameters
 * @param x - `[N, D]` inputs (binary for a Bernoulli decoder)
 * @param options - samples, key, batchSize, maxRows, labels
 * @returns `Float64Array [N]`, L_k per example
 * @throws InvalidArgumentError for a non-VAE config or bad counts
 * @example
 * ```ts
 * const bound = iwaeBound(config, params, testX, { samples: 1000, key: key(7) })
 * ```
 */
export function iwaeBound(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: IwaeOptions,
): Float64Array {
  const op = 'iwaeBound'
  if (config.kind !== 'vae')
    throw new InvalidArgumentError(op, 'config.kind', `must be 'vae', got '${config.kind}'`)
  const { samples, key } = options
  const batchSize = options.batchSize ?? 100
  const maxRows = options.maxRows ?? 5000
  for (const [name, v] of [
    ['samples', samples],
    ['batchSize', batchSize],
    ['maxRows', maxRows],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new InvalidArgumentError(op, `options.${name}`, `must be an integer >= 1, got ${String(v)}`)
  }
  if (x.rank < 2) throw new InvalidArgumentError(op, 'x', `must be [N, D], got [${x.shape.join(', ')}]`)
  const n = x.shape[0]
  const d = x.size / n
  const flat = reshape(x, [n, d])
  const z = config.latentDim
  const result = new Float64Array(n)
  const xData = flat.dataSync()
  const labelData = options.labels?.dataSync()
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const size = Math.min(batchSize, n - start)
    const perChunk = Math.max(1, Math.min(samples, Math.floor(maxRows / size)))
    const m = new Float64Array(size).fill(-Infinity)
    const s = new Float64Array(size)
    tidy(() =>
      noGrad(() => {
        const xb = rowsFrom(xData, flat, start, size)
        const lb =
          labelData === undefined || options.labels === undefined
            ? undefined
            : rowsFrom(labelData, options.labels, start, size)
        const { mu, logVar } = encode(config, params, xb, { labels: lb })
        if (logVar === undefined)
          throw new InvalidArgumentError(op, 'params', 'must hold a VAE encoder, got an AE')
        const sigma = exp(mul(logVar, 0.5))
        const batchKey = fold(key, b)
        for (let done = 0; done < samples; done += perChunk) {
          const c = Math.min(perChunk, samples - done)
          const logW = tidy(() => {
            // sample i of batch b draws from fold(fold(key, b), i): the chunking never changes the noise
            const noise = new Float32Array(c * size * z)
            for (let i = 0; i < c; i++)
              noise.set(normalFloats(fold(batchKey, done + i), size * z), i * size * z)
            const eps = fromArray(noise, { shape: [c, size, z], backend: mu.backend })
            const zs = add(mu, mul(sigma, eps)) // [c, size, Z]
            const zFlat = reshape(zs, [c * size, z])
            const labels = lb === undefined ? undefined : tile(lb, c)
            const out = decode(config, params, zFlat, { labels })
            const xs = reshape(broadcastTo(xb, [c, size, d]), [c * size, d])
            const ll = reshape(reconstructionLogLik(config, params, xs, out), [c, size])
            const prior = mul(
              sum(sub(sub(square(zs), square(eps)), broadcastTo(logVar, [c, size, z])), { axis: 2 }),
              -0.5,
            )
            return add(ll, prior).dataSync()
          })
          for (let i = 0; i < c; i++) {
            for (let e = 0; e < size; e++) {
              const v = logW[i * size + e]
              // running log-sum-exp: keep the maximum m and Σ e^{v − m}
              if (v > m[e]) {
                s[e] = s[e] * Math.exp(m[e] - v) + 1
                m[e] = v
              } else s[e] += Math.exp(v - m[e])
            }
          }
        }
      }),
    )
    for (let e = 0; e < size; e++) result[start + e] = m[e] + Math.log(s[e]) - Math.log(samples)
  }
  return result
}

/** Rows `[start, start + count)` of `data`, the values of the `[N, ...]` tensor `like`, as a new tensor. */
export function rowsFrom(data: TypedArray, like: Tensor, start: number, count: number): Tensor {
  const per = like.size / like.shape[0]
  return fromArray(data.subarray(start * per, (start + count) * per), {
    shape: [count, ...like.shape.slice(1)],
    dtype: like.dtype,
    backend: like.backend,
  })
}

function tile(labels: Tensor, times: number): Tensor {
  return concat(
    Array.from({ length: times }, () => labels),
    0,
  )
}
