import { InvalidArgumentError } from '@gen/core-tensor'

/** A value with its one-standard-error bar. */
export interface Estimate {
  /** The estimate. */
  readonly value: number
  /** One standard error. */
  readonly error: number
}

function checkSeries(op: string, name: string, x: ArrayLike<number>, min: number): void {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length < min) {
    throw new InvalidArgumentError(
      op,
      name,
      `must be a series of at least ${min} numbers, got length ${String(x?.length)}`,
    )
  }
  // a NaN from a diverged run would otherwise come back as τ = NaN or an error bar of NaN
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) {
      throw new InvalidArgumentError(op, name, `must hold finite numbers, got ${String(x[i])} at index ${i}`)
    }
  }
}

/** Result of {@link autocorrelationTime}. */
export interface AutocorrelationTime {
  /** τ_int = ½ + Σ_{t=1}^{W} ρ(t). */
  readonly tau: number
  /** The window W chosen by Sokal's rule. */
  readonly window: number
  /** Statistical error of τ_int, `τ √((4W + 2)/n)` (Madras & Sokal 1988). */
  readonly error: number
  /** False when no window W <= n/4 satisfied W >= c τ(W): the series is too short. */
  readonly converged: boolean
}

/**
 * Integrated autocorrelation time with Sokal's automatic windowing (Madras & Sokal, J. Stat.
 * Phys. 50, 109 (1988); Sokal, "Monte Carlo methods in statistical mechanics", 1996):
 * `τ_int(W) = ½ + Σ_{t=1}^{W} ρ(t)`, with `ρ(t) = C(t)/C(0)` and the smallest W such that
 * `W >= c τ_int(W)`. The variance of a mean is `2 τ_int σ²/n`. For AR(1) with ρ = 0.9, τ = 9.5 (F12).
 *
 * @param x - the series, length >= 4
 * @param c - window factor (default 6; Sokal suggests 4–10)
 * @returns τ_int, the window, its error and whether the window converged
 * @throws InvalidArgumentError when the series is shorter than 4 or c <= 0
 * @example
 * ```ts
 * const { tau } = autocorrelationTime(energies)
 * ```
 */
export function autocorrelationTime(x: ArrayLike<number>, c = 6): AutocorrelationTime {
  const op = 'autocorrelationTime'
  checkSeries(op, 'x', x, 4)
  if (!(c > 0)) throw new InvalidArgumentError(op, 'c', `must be > 0, got ${c}`)
  const n = x.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += x[i]
  mean /= n
  const d = new Float64Array(n)
  let c0 = 0
  for (let i = 0; i < n; i++) {
    d[i] = x[i] - mean
    c0 += d[i] * d[i]
  }
  c0 /= n
  if (c0 === 0) return { tau: 0.5, window: 0, error: 0, converged: true }
  let tau = 0.5
  const maxW = Math.floor(n / 4)
  for (let t = 1; t <= maxW; t++) {
    let ct = 0
    for (let i = 0; i + t < n; i++) ct += d[i] * d[i + t]
    tau += ct / n / c0
    if (t >= c * tau) return { tau, window: t, error: tau * Math.sqrt((4 * t + 2) / n), converged: true }
  }
  return { tau, window: maxW, error: tau * Math.sqrt((4 * maxW + 2) / n), converged: false }
}

/**
 * Mean and its error by binning: the series is cut into `bins` consecutive blocks (the tail
 * that does not fill a block is dropped) and the error is the standard error of the block means,
 * `√(Σ(b_k − b̄)²/(B(B−1)))`. Valid when a block is much longer than τ_int.
 *
 * @param x - the series, length >= bins
 * @param bins - number of blocks B >= 2 (default 32)
 * @returns mean and error
 * @throws InvalidArgumentError when bins < 2 or the series is shorter than bins
 * @example
 * ```ts
 * const { value, error } = binnedMean(energies, 32)
 * ```
 */
export function binnedMean(x: ArrayLike<number>, bins = 32): Estimate {
  const op = 'binnedMean'
  if (!Number.isInteger(bins) || bins < 2)
    throw new InvalidArgumentError(op, 'bins', `must be an integer >= 2, got ${bins}`)
  checkSeries(op, 'x', x, bins)
  const len = Math.floor(x.length / bins)
  const means = new Float64Array(bins)
  for (let b = 0; b < bins; b++) {
    let s = 0
    for (let i = b * len; i < (b + 1) * len; i++) s += x[i]
    means[b] = s / len
  }
  let m = 0
  for (let b = 0; b < bins; b++) m += means[b]
  m /= bins
  let v = 0
  for (let b = 0; b < bins; b++) v += (means[b] - m) ** 2
  return { value: m, error: Math.sqrt(v / (bins * (bins - 1))) }
}

/**
 * Jackknife estimate of a function of means (Efron 1982; Berg, "Markov Chain Monte Carlo
 * Simulations", §2.7): with B bins, `f_k = f(means without bin k)`,
 * `value = B f(all) − (B−1) f̄` (bias corrected), `error = √((B−1)/B Σ(f_k − f̄)²)`.
 * Use it for c, χ, U4, which are nonlinear in <E>, <E²>, <|m|>, <m²>, <m⁴>.
 *
 * @param columns - the series, all of one length n >= bins
 * @param f - maps the column means to the quantity
 * @param bins - number of bins B >= 2 (default 32)
 * @returns value and error
 * @throws InvalidArgumentError on empty or unequal columns, or bins < 2
 * @example
 * ```ts
 * const c = jackknife([e, e2], ([a, b]) => (b - a * a) * beta * beta / n)
 * ```
 */
export function jackknife(
  columns: readonly ArrayLike<number>[],
  f: (means: number[]) => number,
  bins = 32,
): Estimate {
  const op = 'jackknife'
  if (!Number.isInteger(bins) || bins < 2)
    throw new InvalidArgumentError(op, 'bins', `must be an integer >= 2, got ${bins}`)
  if (columns.length === 0)
    throw new InvalidArgumentError(op, 'columns', 'must hold at least one series, got none')
  const n = columns[0].length
  columns.forEach((col, k) => {
    checkSeries(op, `columns[${k}]`, col, bins)
    if (col.length !== n) {
      throw new InvalidArgumentError(
        op,
        `columns[${k}]`,
        `must have the length of columns[0] (${n}), got ${col.length}`,
      )
    }
  })
  const len = Math.floor(n / bins)
  const used = len * bins
  const sums = columns.map((col) => {
    const s = new Float64Array(bins)
    for (let b = 0; b < bins; b++) for (let i = b * len; i < (b + 1) * len; i++) s[b] += col[i]
    return s
  })
  const totals = sums.map((s) => s.reduce((a, b) => a + b, 0))
  const full = f(totals.map((t) => t / used))
  const fk = new Float64Array(bins)
  let mean = 0
  for (let b = 0; b < bins; b++) {
    fk[b] = f(totals.map((t, c) => (t - sums[c][b]) / (used - len)))
    mean += fk[b]
  }
  mean /= bins
  let v = 0
  for (let b = 0; b < bins; b++) v += (fk[b] - mean) ** 2
  return { value: bins * full - (bins - 1) * mean, error: Math.sqrt(((bins - 1) / bins) * v) }
}

/** Observables with error bars from a Monte Carlo run (per spin; the conventions of `ExactObservables`). */
export interface MeasuredObservables {
  /** Temperature T. */
  readonly temperature: number
  /** Number of measurements. */
  readonly samples: number
  /** <E>/N. */
  readonly e: Estimate
  /** (<E²> − <E>²)/(N T²). */
  readonly c: Estimate
  /** <m>. */
  readonly m: Estimate
  /** <|m|>. */
  readonly absM: Estimate
  /** <m²>. */
  readonly m2: Estimate
  /** 1 − <m⁴>/(3<m²>²). */
  readonly u4: Estimate
  /** N(<m²> − <|m|>²)/T. */
  readonly chi: Estimate
  /** N<m²>/T. */
  readonly chi0: Estimate
  /** τ_int of E, in measurements. */
  readonly tauE: AutocorrelationTime
  /** τ_int of |m|, in measurements. */
  readonly tauAbsM: AutocorrelationTime
}

/**
 * Turns time series of total energy E and magnetisation M into per-spin observables with
 * jackknife error bars (B bins; every estimate of a nonlinear quantity is bias-corrected).
 * Check that `samples / bins` is much longer than `tauE.tau` and `tauAbsM.tau`.
 *
 * @param energies - total energy per measurement
 * @param magnetisations - total magnetisation per measurement
 * @param options - `size` N, `temperature` T > 0, `bins` (default 32)
 * @returns the observables
 * @throws InvalidArgumentError on series of different length, N < 1 or T <= 0
 * @example
 * ```ts
 * const obs = measureObservables(run.energies, run.magnetisations, { size: 16, temperature: 2 })
 * ```
 */
export function measureObservables(
  energies: ArrayLike<number>,
  magnetisations: ArrayLike<number>,
  options: { size: number; temperature: number; bins?: number },
): MeasuredObservables {
  const op = 'measureObservables'
  const { size: n, temperature: T } = options
  const bins = options.bins ?? 32
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(op, 'size', `must be a positive integer, got ${n}`)
  if (!(T > 0)) throw new InvalidArgumentError(op, 'temperature', `must be > 0, got ${T}`)
  if (energies.length !== magnetisations.length) {
    throw new InvalidArgumentError(
      op,
      'magnetisations',
      `must have the length of energies (${energies.length}), got ${magnetisations.length}`,
    )
  }
  checkSeries(op, 'energies', energies, Math.max(bins, 4))
  const len = energies.length
  const e = new Float64Array(len)
  const e2 = new Float64Array(len)
  const m = new Float64Array(len)
  const am = new Float64Array(len)
  const m2 = new Float64Array(len)
  const m4 = new Float64Array(len)
  // Energies per spin, centred on their first value, keep <E²> − <E>² free of cancellation.
  const shift = energies[0] / n
  for (let i = 0; i < len; i++) {
    e[i] = energies[i] / n - shift
    e2[i] = e[i] * e[i]
    m[i] = magnetisations[i] / n
    am[i] = Math.abs(m[i])
    m2[i] = m[i] * m[i]
    m4[i] = m2[i] * m2[i]
  }
  const beta = 1 / T
  const eMean = binnedMean(e, bins)
  return {
    temperature: T,
    samples: len,
    e: { value: eMean.value + shift, error: eMean.error },
    c: jackknife([e, e2], ([a, b]) => (b - a * a) * n * beta * beta, bins),
    m: binnedMean(m, bins),
    absM: binnedMean(am, bins),
    m2: binnedMean(m2, bins),
    u4: jackknife([m2, m4], ([a, b]) => 1 - b / (3 * a * a), bins),
    chi: jackknife([am, m2], ([a, b]) => n * (b - a * a) * beta, bins),
    chi0: jackknife([m2], ([a]) => n * a * beta, bins),
    tauE: autocorrelationTime(e),
    tauAbsM: autocorrelationTime(am),
  }
}
