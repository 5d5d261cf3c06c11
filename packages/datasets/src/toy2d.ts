/**
 * Toy 2-D distributions for flow matching, Langevin sampling, GANs and VAEs, each with a
 * seeded sampler, its exact mean and covariance, and its density: in closed form for the
 * Gaussian mixtures, the checkerboard and the rings; by quadrature along the curve for the
 * noisy curves (two moons, swiss roll), where the density is a 1-D integral with no closed form.
 * Samples come back as a Float64Array, row-major `[count, 2]`.
 */
import { InvalidArgumentError } from './errors.js'
import { checkOptions, checkSeed, createRng, type Rng } from './internal/rng.js'

/** Names of the toy distributions, for {@link toyDistribution}. */
export type ToyDistributionName =
  'eight-gaussians' | 'twenty-five-gaussians' | 'two-moons' | 'swiss-roll' | 'checkerboard' | 'rings'

/** A 2-D distribution with a seeded sampler and exact moments. */
export interface ToyDistribution {
  /** Its name. */
  readonly name: ToyDistributionName
  /** Exact mean `[E x, E y]`. */
  readonly mean: readonly [number, number]
  /** Exact covariance `[[Var x, Cov], [Cov, Var y]]`. */
  readonly covariance: readonly [readonly [number, number], readonly [number, number]]
  /**
   * Density p(x, y). Closed form for mixtures, checkerboard and rings; for the noisy curves a
   * composite Simpson rule over the curve parameter (`densityIsExact` is then false).
   */
  density(x: number, y: number): number
  /** True when {@link ToyDistribution.density} is a closed form, false when it is a quadrature. */
  readonly densityIsExact: boolean
  /**
   * Draws `count` points.
   *
   * @param count - a non-negative integer
   * @param options - `seed`, a safe integer
   * @returns Float64Array, row-major `[count, 2]`
   */
  sample(count: number, options: { seed: number }): Float64Array
}

const TWO_PI = 2 * Math.PI

function checkPositive(op: string, argument: string, value: number, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${value}`,
    )
  }
}

function sampler(
  op: string,
  draw: (rng: Rng, out: Float64Array, i: number) => void,
): (count: number, options: { seed: number }) => Float64Array {
  return (count, options) => {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(`${op}.sample`, 'count', `must be a non-negative integer, got ${count}`)
    }
    // two float64 coordinates per point must fit one typed array
    if (count > 2 ** 29) {
      throw new InvalidArgumentError(`${op}.sample`, 'count', `must be at most 2^29 points, got ${count}`)
    }
    checkOptions(`${op}.sample`, options, '{ seed: 0 }')
    checkSeed(`${op}.sample`, options.seed)
    const rng = createRng(options.seed, 0x746f79)
    const out = new Float64Array(2 * count)
    for (let i = 0; i < count; i++) draw(rng, out, i)
    return out
  }
}

/** Equal-weight mixture of isotropic Gaussians N(c_k, σ² I): p = (1/K) Σ_k N(x; c_k, σ² I). */
function gaussianMixture(
  name: ToyDistributionName,
  centers: readonly (readonly [number, number])[],
  std: number,
): ToyDistribution {
  const k = centers.length
  const norm = 1 / (k * TWO_PI * std * std)
  let mx = 0
  let my = 0
  let sxx = 0
  let syy = 0
  let sxy = 0
  for (const [cx, cy] of centers) {
    mx += cx / k
    my += cy / k
  }
  for (const [cx, cy] of centers) {
    sxx += (cx - mx) ** 2 / k
    syy += (cy - my) ** 2 / k
    sxy += ((cx - mx) * (cy - my)) / k
  }
  return {
    name,
    mean: [mx, my],
    covariance: [
      [sxx + std * std, sxy],
      [sxy, syy + std * std],
    ],
    densityIsExact: true,
    density(x, y) {
      let sum = 0
      for (const [cx, cy] of centers) sum += Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * std * std))
      return sum * norm
    },
    sample: sampler(name, (rng, out, i) => {
      const [cx, cy] = centers[rng.integer(k)]
      out[2 * i] = cx + std * rng.normal()
      out[2 * i + 1] = cy + std * rng.normal()
    }),
  }
}

/**
 * Eight Gaussians on a circle: centres `r (cos 2πk/8, sin 2πk/8)`, k = 0..7, each N(c_k, σ² I)
 * with weight 1/8. Mean 0, covariance `(r²/2 + σ²) I`.
 *
 * @param options - `radius` r (default 2), `std` σ (default 0.1)
 * @returns the distribution
 * @throws InvalidArgumentError when radius or std is not positive
 * @example
 * ```ts
 * const points = eightGaussians().sample(1000, { seed: 0 }) // Float64Array [1000, 2]
 * ```
 */
export function eightGaussians(options: { radius?: number; std?: number } = {}): ToyDistribution {
  const radius = options.radius ?? 2
  const std = options.std ?? 0.1
  checkPositive('eightGaussians', 'radius', radius)
  checkPositive('eightGaussians', 'std', std)
  const centers = Array.from({ length: 8 }, (_, k): [number, number] => [
    radius * Math.cos((TWO_PI * k) / 8),
    radius * Math.sin((TWO_PI * k) / 8),
  ])
  return gaussianMixture('eight-gaussians', centers, std)
}

/**
 * Twenty-five Gaussians on a 5×5 grid: centres `s (i, j)` for i, j in {-2..2}, weight 1/25.
 * Mean 0, covariance `(2 s² + σ²) I`.
 *
 * @param options - `spacing` s (default 1), `std` σ (default 0.05)
 * @returns the distribution
 * @throws InvalidArgumentError when spacing or std is not positive
 * @example
 * ```ts
 * twentyFiveGaussians().density(0, 0) // ≈ 1 / (25 · 2π · 0.05²)
 * ```
 */
export function twentyFiveGaussians(options: { spacing?: number; std?: number } = {}): ToyDistribution {
  const spacing = options.spacing ?? 1
  const std = options.std ?? 0.05
  checkPositive('twentyFiveGaussians', 'spacing', spacing)
  checkPositive('twentyFiveGaussians', 'std', std)
  const centers: [number, number][] = []
  for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) centers.push([spacing * i, spacing * j])
  return gaussianMixture('twenty-five-gaussians', centers, std)
}

/**
 * Density of a noisy curve: t ~ U[a, b], point = c(t) + σ ε, so
 * `p(x) = (1/(b-a)) ∫_a^b N(x; c(t), σ² I) dt`, by composite Simpson with `intervals` steps.
 * The integrand is a bump of width σ / |c'(t)| in t; the step counts below put ≥ 7 steps
 * across it for the default settings. A smaller σ needs more steps: the count scales with 1/σ.
 */
const evenSteps = (steps: number): number => 2 * Math.ceil(steps / 2)

function curveDensity(
  pieces: readonly { curve: (t: number) => [number, number]; from: number; to: number; weight: number }[],
  std: number,
  intervals: number,
): (x: number, y: number) => number {
  const norm = 1 / (TWO_PI * std * std)
  return (x, y) => {
    let total = 0
    for (const { curve, from, to, weight } of pieces) {
      const h = (to - from) / intervals
      let sum = 0
      for (let i = 0; i <= intervals; i++) {
        const [cx, cy] = curve(from + i * h)
        const g = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * std * std))
        sum += (i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2) * g
      }
      total += (weight * ((sum * h) / 3) * norm) / (to - from)
    }
    return total
  }
}

/**
 * Two interleaved half circles (scikit-learn's `make_moons`, with t drawn uniformly): with
 * probability ½ the upper moon `(cos t, sin t)`, else the lower `(1 − cos t, ½ − sin t)`,
 * t ~ U[0, π], plus N(0, σ² I) noise. Exact moments: mean `(½, ¼)`,
 * Var x = ¾ + σ², Var y = 9/16 − 1/π + σ², Cov = 1/8 − 1/π.
 *
 * @param options - `noise` σ (default 0.1, must be > 0 for the density to exist)
 * @returns the distribution (density by quadrature)
 * @throws InvalidArgumentError when noise is not positive
 * @example
 * ```ts
 * const moons = twoMoons({ noise: 0.05 }).sample(512, { seed: 3 })
 * ```
 */
export function twoMoons(options: { noise?: number } = {}): ToyDistribution {
  const noise = options.noise ?? 0.1
  checkPositive('twoMoons', 'noise', noise)
  const upper = (t: number): [number, number] => [Math.cos(t), Math.sin(t)]
  const lower = (t: number): [number, number] => [1 - Math.cos(t), 0.5 - Math.sin(t)]
  const s2 = noise * noise
  return {
    name: 'two-moons',
    mean: [0.5, 0.25],
    covariance: [
      [0.75 + s2, 0.125 - 1 / Math.PI],
      [0.125 - 1 / Math.PI, 9 / 16 - 1 / Math.PI + s2],
    ],
    densityIsExact: false,
    density: curveDensity(
      [
        { curve: upper, from: 0, to: Math.PI, weight: 0.5 },
        { curve: lower, from: 0, to: Math.PI, weight: 0.5 },
      ],
      noise,
      evenSteps(2048 * Math.max(1, 0.1 / noise)),
    ),
    sample: sampler('twoMoons', (rng, out, i) => {
      const t = Math.PI * rng.uniform()
      const [cx, cy] = rng.uniform() < 0.5 ? upper(t) : lower(t)
      out[2 * i] = cx + noise * rng.normal()
      out[2 * i + 1] = cy + noise * rng.normal()
    }),
  }
}

/**
 * The 2-D swiss roll: t ~ U[1.5π, 4.5π], point `s (t cos t, t sin t)` plus N(0, σ² I) noise.
 * Moments in closed form from ∫ t cos t = cos t + t sin t, ∫ t sin t = sin t − t cos t and
 * ∫ t² cos 2t = (t²/2) sin 2t + (t/2) cos 2t − (1/4) sin 2t (and its sine twin).
 *
 * @param options - `scale` s (default 0.2), `noise` σ (default 0.05, > 0)
 * @returns the distribution (density by quadrature)
 * @throws InvalidArgumentError when scale or noise is not positive
 * @example
 * ```ts
 * const roll = swissRoll().sample(1000, { seed: 1 })
 * ```
 */
export function swissRoll(options: { scale?: number; noise?: number } = {}): ToyDistribution {
  const scale = options.scale ?? 0.2
  const noise = options.noise ?? 0.05
  checkPositive('swissRoll', 'scale', scale)
  checkPositive('swissRoll', 'noise', noise)
  const a = 1.5 * Math.PI
  const b = 4.5 * Math.PI
  const length = b - a
  const curve = (t: number): [number, number] => [scale * t * Math.cos(t), scale * t * Math.sin(t)]
  const between = (f: (t: number) => number): number => (f(b) - f(a)) / length
  const ex = scale * between((t) => Math.cos(t) + t * Math.sin(t))
  const ey = scale * between((t) => Math.sin(t) - t * Math.cos(t))
  const t2cos2t = between(
    (t) => ((t * t) / 2) * Math.sin(2 * t) + (t / 2) * Math.cos(2 * t) - Math.sin(2 * t) / 4,
  )
  const t2sin2t = between(
    (t) => (-(t * t) / 2) * Math.cos(2 * t) + (t / 2) * Math.sin(2 * t) + Math.cos(2 * t) / 4,
  )
  const t2 = between((t) => (t * t * t) / 3)
  const s2 = scale * scale
  const exx = (s2 * (t2 + t2cos2t)) / 2
  const eyy = (s2 * (t2 - t2cos2t)) / 2
  const exy = (s2 * t2sin2t) / 2
  return {
    name: 'swiss-roll',
    mean: [ex, ey],
    covariance: [
      [exx - ex * ex + noise * noise, exy - ex * ey],
      [exy - ex * ey, eyy - ey * ey + noise * noise],
    ],
    densityIsExact: false,
    density: curveDensity(
      [{ curve, from: a, to: b, weight: 1 }],
      noise,
      evenSteps(4096 * Math.max(1, 0.05 / noise)),
    ),
    sample: sampler('swissRoll', (rng, out, i) => {
      const [cx, cy] = curve(a + length * rng.uniform())
      out[2 * i] = cx + noise * rng.normal()
      out[2 * i + 1] = cy + noise * rng.normal()
    }),
  }
}

/**
 * Uniform on the dark squares of an n×n checkerboard of side-`cell` squares centred on the
 * origin (square (i, j) is dark when i + j is even). Density `1 / (#dark · cell²)` on dark
 * squares, 0 elsewhere. For the default 4×4 board: mean 0, Var = 4/3, Cov = 1/4.
 *
 * @param options - `cells` n per side (even, default 4), `cell` side length (default 1)
 * @returns the distribution
 * @throws InvalidArgumentError when cells is not a positive even integer or cell is not positive
 * @example
 * ```ts
 * checkerboard().density(-1.5, -1.5) // 0.125
 * ```
 */
export function checkerboard(options: { cells?: number; cell?: number } = {}): ToyDistribution {
  const cells = options.cells ?? 4
  const cell = options.cell ?? 1
  if (!Number.isInteger(cells) || cells < 2 || cells % 2 !== 0) {
    throw new InvalidArgumentError('checkerboard', 'cells', `must be a positive even integer, got ${cells}`)
  }
  checkPositive('checkerboard', 'cell', cell)
  const half = (cells * cell) / 2
  const dark: [number, number][] = []
  for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) if ((i + j) % 2 === 0) dark.push([i, j])
  const height = 1 / (dark.length * cell * cell)
  let mx = 0
  let my = 0
  let exx = 0
  let eyy = 0
  let exy = 0
  for (const [i, j] of dark) {
    const cx = -half + (i + 0.5) * cell
    const cy = -half + (j + 0.5) * cell
    mx += cx / dark.length
    my += cy / dark.length
    // Within a square: E x² = c_x² + cell²/12, and x, y independent.
    exx += (cx * cx + (cell * cell) / 12) / dark.length
    eyy += (cy * cy + (cell * cell) / 12) / dark.length
    exy += (cx * cy) / dark.length
  }
  return {
    name: 'checkerboard',
    mean: [mx, my],
    covariance: [
      [exx - mx * mx, exy - mx * my],
      [exy - mx * my, eyy - my * my],
    ],
    densityIsExact: true,
    density(x, y) {
      const i = Math.floor((x + half) / cell)
      const j = Math.floor((y + half) / cell)
      return i >= 0 && i < cells && j >= 0 && j < cells && (i + j) % 2 === 0 ? height : 0
    },
    sample: sampler('checkerboard', (rng, out, k) => {
      const [i, j] = dark[rng.integer(dark.length)]
      out[2 * k] = -half + (i + rng.uniform()) * cell
      out[2 * k + 1] = -half + (j + rng.uniform()) * cell
    }),
  }
}

/**
 * Concentric rings: ring k is chosen with probability ∝ r_k (uniform along total arc length),
 * angle θ ~ U[0, 2π), radius ρ = r_k + σ ε. Density (ρ may go negative, which lands at the
 * opposite angle): `p(x) = Σ_k w_k [N(|x|; r_k, σ) + N(−|x|; r_k, σ)] / (2π |x|)` (infinite at the origin).
 * Mean 0, covariance `(Σ_k w_k (r_k² + σ²) / 2) I`.
 *
 * @param options - `radii` (default [1, 2, 3]), `noise` σ (default 0.05, > 0)
 * @returns the distribution
 * @throws InvalidArgumentError when a radius or the noise is not positive
 * @example
 * ```ts
 * const rings3 = rings({ radii: [0.5, 1, 1.5] }).sample(600, { seed: 9 })
 * ```
 */
export function rings(options: { radii?: readonly number[]; noise?: number } = {}): ToyDistribution {
  const radii = options.radii ?? [1, 2, 3]
  const noise = options.noise ?? 0.05
  if (radii.length === 0) throw new InvalidArgumentError('rings', 'radii', 'must be non-empty, got []')
  radii.forEach((r, k) => checkPositive('rings', `radii[${k}]`, r))
  checkPositive('rings', 'noise', noise)
  const total = radii.reduce((a, r) => a + r, 0)
  const weights = radii.map((r) => r / total)
  const cumulative = weights.map((_, k) => weights.slice(0, k + 1).reduce((a, w) => a + w, 0))
  const second = radii.reduce((a, r, k) => a + (weights[k] * (r * r + noise * noise)) / 2, 0)
  const gauss = (v: number): number => Math.exp(-(v * v) / (2 * noise * noise)) / (Math.sqrt(TWO_PI) * noise)
  return {
    name: 'rings',
    mean: [0, 0],
    covariance: [
      [second, 0],
      [0, second],
    ],
    densityIsExact: true,
    density(x, y) {
      const rho = Math.hypot(x, y)
      // At the origin the 1/ρ factor diverges (an integrable singularity of measure zero).
      if (rho === 0) return Infinity
      let sum = 0
      radii.forEach((r, k) => {
        sum += weights[k] * (gauss(rho - r) + gauss(rho + r))
      })
      return sum / (TWO_PI * rho)
    },
    sample: sampler('rings', (rng, out, i) => {
      const u = rng.uniform()
      let k = 0
      while (k < radii.length - 1 && u >= cumulative[k]) k++
      const theta = TWO_PI * rng.uniform()
      const rho = radii[k] + noise * rng.normal()
      out[2 * i] = rho * Math.cos(theta)
      out[2 * i + 1] = rho * Math.sin(theta)
    }),
  }
}

/**
 * Any toy distribution by name, with its default options.
 *
 * @param name - one of {@link ToyDistributionName}
 * @returns the distribution
 * @throws InvalidArgumentError for an unknown name
 * @example
 * ```ts
 * const points = toyDistribution('checkerboard').sample(256, { seed: 0 })
 * ```
 */
export function toyDistribution(name: ToyDistributionName): ToyDistribution {
  switch (name) {
    case 'eight-gaussians':
      return eightGaussians()
    case 'twenty-five-gaussians':
      return twentyFiveGaussians()
    case 'two-moons':
      return twoMoons()
    case 'swiss-roll':
      return swissRoll()
    case 'checkerboard':
      return checkerboard()
    case 'rings':
      return rings()
    default:
      throw new InvalidArgumentError(
        'toyDistribution',
        'name',
        `must be one of eight-gaussians, twenty-five-gaussians, two-moons, swiss-roll, checkerboard, rings, got ${String(name)}`,
      )
  }
}
