/**
 * The standard normal quantile function Φ⁻¹(p), by Acklam's rational approximation (relative
 * error below 1.2e-9) refined by one Halley step on Φ(x) − p, which brings it to about
 * 1e-15. Φ comes from {@link erfc}.
 */
import { InvalidArgumentError } from '@gen/core-tensor'

const a = [
  -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
  2.506628277459239,
]
const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
const c = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
]
const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
const pLow = 0.02425

/**
 * Φ⁻¹(p): the x with P(N(0, 1) ≤ x) = p.
 *
 * @param p - a probability in (0, 1)
 * @returns the quantile
 * @throws InvalidArgumentError when p is not in (0, 1)
 * @example
 * ```ts
 * normalQuantile(0.975) // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError('normalQuantile', 'p', `must be in (0, 1), got ${p}`)
  let x: number
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p))
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  } else if (p <= 1 - pLow) {
    const q = p - 0.5
    const r = q * q
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  // Halley: u = (Φ(x) − p) / φ(x), x ← x − u / (1 + x u / 2)
  const e = 0.5 * erfc(-x / Math.SQRT2) - p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x)
  return x - u / (1 + 0.5 * x * u)
}

/**
 * The complementary error function erfc(x) = 1 − erf(x) to near float64 precision: the
 * Maclaurin series of erf for |x| < 2 and a Lentz continued fraction for erfc beyond
 * (Abramowitz and Stegun 7.1.5 and 7.1.14).
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) {
    // erf(x) = 2/√π Σ_n (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x
    let sum = x
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n
      const add = term / (2 * n + 1)
      sum += add
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300
  let f = x
  let cc = x
  let dd = 0
  for (let n = 1; n < 300; n++) {
    const an = n / 2
    dd = x + an * dd
    dd = Math.abs(dd) < tiny ? tiny : dd
    cc = x + an / cc
    cc = Math.abs(cc) < tiny ? tiny : cc
    dd = 1 / dd
    const delta = cc * dd
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f)
}
