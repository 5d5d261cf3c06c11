import { InvalidArgumentError } from '@gen/core-tensor'
import type { Estimate } from './stats'

/** Result of {@link binderCrossing}. */
export interface BinderCrossing {
  /** The crossing temperature T*, by linear interpolation of ΔU between two grid points. */
  readonly temperature: number
  /** One standard error of T*, propagated from the U4 error bars (0 for plain numbers). */
  readonly error: number
  /** The grid interval [temperatures[index], temperatures[index + 1]] that holds T*. */
  readonly index: number
}

function valueOf(x: number | Estimate): number {
  return typeof x === 'number' ? x : x.value
}

function errorOf(x: number | Estimate): number {
  return typeof x === 'number' ? 0 : x.error
}

/**
 * Where the Binder cumulants `U4 = 1 − <m⁴>/(3<m²>²)` of two lattice sizes cross (Binder,
 * Z. Phys. B 43, 119 (1981)): U4 tends to 2/3 below Tc and to 0 above, and curves of different
 * L cross near Tc. With `ΔU_k = U_large(T_k) − U_small(T_k)`, the first interval where ΔU
 * changes sign gives `T* = T_k + (T_{k+1} − T_k) ΔU_k / (ΔU_k − ΔU_{k+1})`; its error is
 * propagated linearly from independent U4 error bars,
 * `σ² = w²(ΔU_{k+1}² σ_k² + ΔU_k² σ_{k+1}²)/(ΔU_k − ΔU_{k+1})⁴`, w the interval width.
 *
 * @param temperatures - strictly increasing temperatures, at least 2
 * @param u4Small - U4 of the smaller lattice at each temperature (numbers or {@link Estimate}s)
 * @param u4Large - U4 of the larger lattice at each temperature
 * @returns the crossing, or null when ΔU keeps one sign on the grid
 * @throws InvalidArgumentError on lengths that differ, fewer than 2 points, or temperatures not increasing
 * @example
 * ```ts
 * const small = temperatureScan(squareLattice(8), ts, opts).map((p) => p.observables.u4)
 * const large = temperatureScan(squareLattice(16), ts, opts).map((p) => p.observables.u4)
 * binderCrossing(ts, small, large)?.temperature // ≈ 2.27
 * ```
 */
export function binderCrossing(
  temperatures: readonly number[],
  u4Small: readonly (number | Estimate)[],
  u4Large: readonly (number | Estimate)[],
): BinderCrossing | null {
  const op = 'binderCrossing'
  const n = temperatures.length
  if (n < 2) throw new InvalidArgumentError(op, 'temperatures', `must hold at least 2 points, got ${n}`)
  if (u4Small.length !== n || u4Large.length !== n) {
    throw new InvalidArgumentError(
      op,
      'u4Small',
      `must have one value per temperature (${n}) in both curves, got ${u4Small.length} and ${u4Large.length}`,
    )
  }
  for (let k = 0; k + 1 < n; k++) {
    if (!(temperatures[k + 1] > temperatures[k])) {
      throw new InvalidArgumentError(
        op,
        'temperatures',
        `must be strictly increasing, got ${temperatures[k]} then ${temperatures[k + 1]}`,
      )
    }
  }
  const d = (k: number): number => valueOf(u4Large[k]) - valueOf(u4Small[k])
  const v = (k: number): number => errorOf(u4Large[k]) ** 2 + errorOf(u4Small[k]) ** 2
  for (let k = 0; k + 1 < n; k++) {
    const a = d(k)
    const b = d(k + 1)
    if (a !== 0 && Math.sign(a) === Math.sign(b)) continue
    if (a === 0 && b === 0) return { temperature: temperatures[k], error: 0, index: k }
    const w = temperatures[k + 1] - temperatures[k]
    const D = a - b
    const error = (w * Math.sqrt(b * b * v(k) + a * a * v(k + 1))) / (D * D)
    return { temperature: temperatures[k] + (w * a) / D, error, index: k }
  }
  return null
}
