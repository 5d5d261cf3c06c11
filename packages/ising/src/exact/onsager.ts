import { InvalidArgumentError } from '@gen/core-tensor'

/** Tc of the 2-D square lattice as a double-double: 2 / ln(1 + √2) = hi + lo. */
const TC_HI = 2.269185314213022
const TC_LO = -8.519454153395274e-17
/** 2βc = ln(1 + √2). */
const XC = Math.log1p(Math.SQRT2)

/**
 * Critical temperature of the 2-D square-lattice Ising model (J = 1, k_B = 1), Onsager 1944:
 * `Tc = 2 / ln(1 + √2)`.
 *
 * @example
 * ```ts
 * ONSAGER_TC // 2.269185314213022
 * ```
 */
export const ONSAGER_TC = TC_HI

/** Below this temperature the exact results equal their T → 0 limits to double precision. */
const LOW_T = 0.1

/**
 * Complete elliptic integrals of the first and second kind, `K(k)` and `E(k)` with *modulus*
 * k (not parameter k²), from the arithmetic-geometric mean (Abramowitz & Stegun 17.6):
 * `K = π / (2 AGM(1, k'))`, `E = K (1 − Σ_{n≥0} 2^{n−1} c_n²)`, `c_0 = k`. Taking the
 * complementary modulus `k' = √(1 − k²)` as an input keeps K accurate as k → 1.
 *
 * @param k - the modulus, in [0, 1]
 * @param kPrime - the complementary modulus √(1 − k²), passed when known more accurately than k
 * @returns `{ K, E }` (K = Infinity at k = 1)
 * @throws InvalidArgumentError when k is outside [0, 1]
 * @example
 * ```ts
 * ellipticKE(0).K // π/2
 * ```
 */
export function ellipticKE(k: number, kPrime = Math.sqrt((1 - k) * (1 + k))): { K: number; E: number } {
  if (!(k >= 0 && k <= 1)) throw new InvalidArgumentError('ellipticKE', 'k', `must be in [0, 1], got ${k}`)
  if (kPrime === 0) return { K: Infinity, E: 1 }
  let a = 1
  let b = kPrime
  let sum = (k * k) / 2
  let pow = 0.5
  for (let i = 0; i < 64; i++) {
    const c = (a - b) / 2
    pow *= 2
    sum += pow * c * c
    const an = (a + b) / 2
    b = Math.sqrt(a * b)
    a = an
    // c_{n+1} ≈ c_n²/(4a): once c < 1e-10 a the rest is below 1e-20. (Waiting for c = 0 fails:
    // a − b stalls at one ulp and the weights 2^n then add rounding noise.)
    if (c < 1e-10 * a) break
  }
  const K = Math.PI / (2 * a)
  return { K, E: K * (1 - sum) }
}

function checkT(op: string, T: number): void {
  if (!(T > 0) || !Number.isFinite(T)) {
    throw new InvalidArgumentError(op, 'temperature', `must be a finite number > 0, got ${T}`)
  }
}

/** sinh(2β) − 1, stable near Tc: `2 cosh(x_c + δ/2) sinh(δ/2)` with δ = 2/T − 2/Tc (double-double Tc). */
function sinhMinusOne(T: number): number {
  // 2/T − 2/(hi + lo) = 2 (hi − T + lo) / (T hi) to first order in lo; hi − T is exact near Tc.
  const delta = (2 * (TC_HI - T + TC_LO)) / (T * TC_HI)
  return 2 * Math.cosh(XC + delta / 2) * Math.sinh(delta / 2)
}

/** Shared pieces of the Onsager formulas at temperature T. */
function pieces(T: number): { beta: number; s: number; ch: number; kappa: number; kappaP: number } {
  const beta = 1 / T
  const s = Math.sinh(2 * beta)
  const ch = Math.cosh(2 * beta)
  const kappaP = (sinhMinusOne(T) * (s + 1)) / (ch * ch)
  const kappa = (2 * s) / (ch * ch)
  return { beta, s, ch, kappa: Math.min(kappa, 1), kappaP }
}

/**
 * Exact thermodynamics of the infinite 2-D square-lattice Ising model at h = 0 (Onsager 1944;
 * Yang 1952; Huang, Statistical Mechanics §15.3), stable near Tc:
 * - `u = −coth 2β [1 + (2/π) κ' K(κ)]`
 * - `c = (4/π)(β coth 2β)² {K − E − (1 − t²)[π/2 + κ' K]}`
 * - `m = (1 − sinh⁻⁴ 2β)^{1/8}` below Tc, 0 above
 * - `−βf = ln(2 cosh 2β) + (1/π) ∫₀^{π/2} ln[(1 + √(1 − κ² sin²θ))/2] dθ`, `s = (u − f)/T`
 *
 * with `t = tanh 2β`, `κ = 2 sinh 2β / cosh² 2β`, and `κ' = (sinh 2β − 1)(sinh 2β + 1)/cosh² 2β`
 * formed from a double-double Tc, so values stay within ~1e-14 even at T = Tc ± 1e-7.
 *
 * @param temperature - T > 0
 * @returns per-spin energy u, specific heat c, spontaneous magnetisation m, free energy f, entropy s
 * @throws InvalidArgumentError when T is not a finite number > 0
 * @example
 * ```ts
 * onsager(2).u // -1.7455645753126
 * ```
 */
export function onsager(temperature: number): { u: number; c: number; m: number; f: number; s: number } {
  checkT('onsager', temperature)
  // Below T = 0.1 every correction to the ground state is O(e^{−8/T}) < 1e−34 relative, far
  // below double precision, while sinh 2β and cosh 2β overflow soon after (T < 0.006).
  if (temperature <= LOW_T) return { u: -2, c: 0, m: 1, f: -2, s: 0 }
  const { beta, s, ch, kappa, kappaP } = pieces(temperature)
  const coth = ch / s
  const { K, E } = ellipticKE(kappa, Math.abs(kappaP))
  const kK = kappaP === 0 ? 0 : kappaP * K
  const u = -coth * (1 + (2 / Math.PI) * kK)
  const oneMinusT2 = 1 / (ch * ch)
  const c = (4 / Math.PI) * (beta * coth) ** 2 * (K - E - oneMinusT2 * (Math.PI / 2 + kK))
  let m = 0
  if (temperature < TC_HI) {
    const sm1 = sinhMinusOne(temperature)
    // 1 − s⁻⁴ = (s − 1)(s + 1)(s² + 1)/s⁴
    m = ((sm1 * (s + 1) * (s * s + 1)) / s ** 4) ** 0.125
  }
  const f = freeEnergy(beta, ch, Math.abs(kappaP))
  // c ≥ 0 exactly; far below Tc its few-ulp rounding noise can come out negative
  return { u, c: Number.isFinite(c) ? Math.max(c, 0) : Infinity, m, f, s: (u - f) / temperature }
}

/** Gauss–Legendre nodes and weights on [−1, 1] by Newton's method on P_n. */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n)
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5))
    let dp = 0
    for (let it = 0; it < 100; it++) {
      let p0 = 1
      let p1 = z
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k
        p0 = p1
        p1 = p2
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1)
      const dz = p1 / dp
      z -= dz
      if (Math.abs(dz) < 1e-16) break
    }
    x[i] = z
    w[i] = 2 / ((1 - z * z) * dp * dp)
  }
  return { x, w }
}

/** f = −(1/β)[ln(2 cosh 2β) + (1/π)∫ ln((1 + √(cos²θ + κ'² sin²θ))/2) dθ], graded panels near π/2. */
function freeEnergy(beta: number, ch: number, kappaP: number): number {
  const { x, w } = gaussLegendre(20)
  // 1 − κ² sin²θ = cos²θ + κ'² sin²θ, which keeps its accuracy as κ → 1.
  const g = (theta: number): number => {
    const c = Math.cos(theta)
    const sn = Math.sin(theta)
    return Math.log((1 + Math.sqrt(c * c + kappaP * kappaP * sn * sn)) / 2)
  }
  // Panels [π/2 − 2^{−j+1}·π/2, π/2 − 2^{−j}·π/2], finer towards π/2 where the integrand bends.
  let integral = 0
  let a = 0
  const half = Math.PI / 2
  for (let j = 1; j <= 40; j++) {
    const b = j === 40 ? half : half - half * 2 ** -j
    const mid = (a + b) / 2
    const rad = (b - a) / 2
    for (let i = 0; i < x.length; i++) integral += w[i] * rad * g(mid + rad * x[i])
    a = b
  }
  return -(Math.log(2 * ch) + integral / Math.PI) / beta
}

/**
 * Kaufman's exact partition function of the periodic `L × L` square lattice (Kaufman 1949, as
 * written by Beale, PRL 76, 78 (1996)), with K = βJ:
 * `Z = ½ (2 sinh 2K)^{N/2} Σ_{i=1}^{4} Z_i`, `Z_{1,2} = Π_{r=0}^{L−1} 2 cosh|sinh(L γ_{2r+1}/2)`,
 * `Z_{3,4} = Π_{r=0}^{L−1} 2 cosh|sinh(L γ_{2r}/2)`, `cosh γ_k = cosh 2K coth 2K − cos(πk/L)`,
 * `γ_0 = 2K + ln tanh K`. Summed in log space with signs (Z4 < 0 above Tc).
 *
 * @param L - side length, an integer >= 2
 * @param temperature - T > 0
 * @returns ln Z (divide by L² for the per-spin value)
 * @throws InvalidArgumentError when L or T is invalid
 * @example
 * ```ts
 * kaufmanLogZ(16, 2) / 256 // 1.02850082200790
 * ```
 */
export function kaufmanLogZ(L: number, temperature: number): number {
  if (!Number.isSafeInteger(L) || L < 2) {
    throw new InvalidArgumentError('kaufmanLogZ', 'L', `must be an integer >= 2, got ${L}`)
  }
  checkT('kaufmanLogZ', temperature)
  if (temperature <= LOW_T) return (2 * L * L) / temperature + Math.LN2 // two ground states, see kaufman
  const K = 1 / temperature
  const s = Math.sinh(2 * K)
  // cosh γ_k − 1 = 2 sin²(πk/2L) + (s − 1)²/s, exact form of cosh 2K coth 2K − cos(πk/L) − 1.
  const sm1 = Math.abs(s - 1) < 0.5 ? sinhMinusOne(temperature) : s - 1
  const base = (sm1 * sm1) / s
  const gamma = (k: number): number => {
    if (k === 0) return 2 * K + Math.log(Math.tanh(K))
    const sn = Math.sin((Math.PI * k) / (2 * L))
    const y = 2 * sn * sn + base
    return Math.log1p(y + Math.sqrt(y * (2 + y)))
  }
  const logCosh = (x: number): number => Math.abs(x) + Math.log1p(Math.exp(-2 * Math.abs(x))) - Math.LN2
  const logAbsSinh = (x: number): number => Math.abs(x) + Math.log(-Math.expm1(-2 * Math.abs(x))) - Math.LN2
  let l1 = 0
  let l2 = 0
  let l3 = 0
  let l4 = 0
  let sign4 = 1
  for (let r = 0; r < L; r++) {
    const go = (L * gamma(2 * r + 1)) / 2
    const ge = (L * gamma(2 * r)) / 2
    l1 += Math.LN2 + logCosh(go)
    l2 += Math.LN2 + logAbsSinh(go)
    l3 += Math.LN2 + logCosh(ge)
    l4 += Math.LN2 + logAbsSinh(ge)
    if (ge < 0) sign4 = -sign4
  }
  const max = Math.max(l1, l2, l3, l4)
  const sum = Math.exp(l1 - max) + Math.exp(l2 - max) + Math.exp(l3 - max) + sign4 * Math.exp(l4 - max)
  return -Math.LN2 + ((L * L) / 2) * Math.log(2 * s) + max + Math.log(sum)
}

/**
 * Exact energy and specific heat per spin of the periodic L × L lattice from Kaufman's ln Z,
 * by 6th-order central differences in β (step 1e-3·β): `e = −∂lnZ/∂β / N`,
 * `c = β² ∂²lnZ/∂β² / N`; accurate to about 1e-9 in e and 1e-6 in c.
 *
 * @param L - side length, an integer >= 2
 * @param temperature - T > 0
 * @returns `{ lnZ, e, c }`, lnZ per spin
 * @throws InvalidArgumentError when L or T is invalid
 * @example
 * ```ts
 * kaufman(64, 2).e // -1.745564575313
 * ```
 */
export function kaufman(L: number, temperature: number): { lnZ: number; e: number; c: number } {
  const n = L * L
  // Far below Tc, Z = 2 e^{2N/T} (1 + O(e^{−8/T})): the two ground states, exact to double
  // precision for T ≤ 0.1, where the finite differences below would only add noise.
  if (temperature > 0 && temperature <= LOW_T && Number.isSafeInteger(L) && L >= 2)
    return { lnZ: 2 / temperature + Math.LN2 / n, e: -2, c: 0 }
  const beta = 1 / temperature
  const h = 1e-3 * beta
  const f = (b: number): number => kaufmanLogZ(L, 1 / b)
  const f0 = f(beta)
  const fp = [1, 2, 3].map((k) => f(beta + k * h))
  const fm = [1, 2, 3].map((k) => f(beta - k * h))
  const d1 = (45 * (fp[0] - fm[0]) - 9 * (fp[1] - fm[1]) + (fp[2] - fm[2])) / (60 * h)
  const d2 = (270 * (fp[0] + fm[0]) - 27 * (fp[1] + fm[1]) + 2 * (fp[2] + fm[2]) - 490 * f0) / (180 * h * h)
  return { lnZ: f0 / n, e: -d1 / n, c: (beta * beta * d2) / n }
}
