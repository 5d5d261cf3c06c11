import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'
import { autocorrelationTime } from './stats'

/** Result of {@link detectEquilibration}. */
export interface Equilibration {
  /** The chosen start of the production region: discard `x[0 .. t0)`. */
  readonly t0: number
  /** Statistical inefficiency g = 2 τ_int of `x[t0 ..]` (1 for independent samples). */
  readonly g: number
  /** Effective number of independent samples (n − t0)/g, the quantity maximised. */
  readonly effectiveSamples: number
  /** Mean of `x[t0 ..]`. */
  readonly mean: number
  /** Its standard error √(g σ²/(n − t0)). */
  readonly error: number
}

/**
 * Automatic equilibration detection (Chodera, J. Chem. Theory Comput. 12, 1799 (2016)): among
 * candidate starts t0 (an even grid over the first half of the series), choose the one that
 * maximises the effective sample count `(n − t0)/g(t0)` of the remaining series, where
 * `g = 1 + 2 Σ_t ρ(t) = 2 τ_int` with τ_int from Sokal's windowing ({@link autocorrelationTime}).
 * Discarding an initial transient lowers the variance (and so g) more than it costs samples;
 * discarding equilibrated data only loses samples.
 *
 * @param x - the series (e.g. energies per sweep), length >= 16
 * @param options - `candidates`, the number of t0 values tried (default 100, evenly spaced in [0, n/2])
 * @returns t0, g, the effective sample count, and the mean of the kept part with its error
 * @throws InvalidArgumentError when the series is shorter than 16, holds a non-finite value, or candidates < 2
 * @example
 * ```ts
 * const { t0 } = detectEquilibration(run.energies)
 * const production = run.energies.subarray(t0)
 * ```
 */
export function detectEquilibration(
  x: ArrayLike<number>,
  options: { candidates?: number } = {},
): Equilibration {
  const op = 'detectEquilibration'
  checkOptions(op, options)
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length < 16) {
    throw new InvalidArgumentError(
      op,
      'x',
      `must be a series of at least 16 numbers, got length ${String(x?.length)}`,
    )
  }
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) {
      throw new InvalidArgumentError(op, 'x', `must hold finite numbers, got ${String(x[i])} at index ${i}`)
    }
  }
  const candidates = options.candidates ?? 100
  if (!Number.isSafeInteger(candidates) || candidates < 2) {
    throw new InvalidArgumentError(op, 'candidates', `must be an integer >= 2, got ${candidates}`)
  }
  const n = x.length
  const series = Float64Array.from(x)
  const last = Math.floor(n / 2)
  let best = { t0: 0, g: 1, effectiveSamples: -Infinity }
  let previous = -1
  for (let c = 0; c < candidates; c++) {
    const t0 = Math.round((c * last) / (candidates - 1))
    if (t0 === previous) continue
    previous = t0
    const g = 2 * autocorrelationTime(series.subarray(t0)).tau
    // A constant tail has τ = ½, g = 1.
    const effectiveSamples = (n - t0) / Math.max(g, 1e-300)
    if (effectiveSamples > best.effectiveSamples) best = { t0, g, effectiveSamples }
  }
  const tail = series.subarray(best.t0)
  let mean = 0
  for (const v of tail) mean += v
  mean /= tail.length
  let variance = 0
  for (const v of tail) variance += (v - mean) ** 2
  variance /= tail.length
  return { ...best, mean, error: Math.sqrt((best.g * variance) / tail.length) }
}
