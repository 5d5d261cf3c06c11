// Inverse-temperature schedules 0 = β_0 < β_1 < … < β_K = 1 for annealed importance sampling.
import { InvalidArgumentError } from '@gen/core-tensor'

/**
 * The name of Salakhutdinov & Murray's (2008, §4.1) schedule: β spaced 10⁻³ on [0, 0.5],
 * 10⁻⁴ on [0.5, 0.9] and 10⁻⁵ on [0.9, 1], 14,501 points in all.
 */
export const SALAKHUTDINOV_MURRAY_SCHEDULE = 'salakhutdinov-murray' as const

/**
 * An inverse-temperature schedule: the named 14,501-point schedule, `{ numTemperatures }`
 * for that many points spaced linearly from 0 to 1, or explicit values.
 *
 * @example
 * ```ts
 * const schedule: InverseTemperatureSchedule = { numTemperatures: 1000 }
 * ```
 */
export type InverseTemperatureSchedule =
  typeof SALAKHUTDINOV_MURRAY_SCHEDULE | { readonly numTemperatures: number } | ArrayLike<number>

/**
 * Expands a schedule into its inverse temperatures β_0 = 0 < … < β_K = 1.
 *
 * @param schedule - {@link InverseTemperatureSchedule}
 * @returns Float64Array of K + 1 ≥ 2 increasing values from exactly 0 to exactly 1
 * @throws InvalidArgumentError for fewer than 2 points, values that do not rise strictly, or ends other than 0 and 1
 * @example
 * ```ts
 * aisInverseTemperatures('salakhutdinov-murray').length // 14501
 * aisInverseTemperatures({ numTemperatures: 5 }) // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function aisInverseTemperatures(schedule: InverseTemperatureSchedule): Float64Array {
  const op = 'aisInverseTemperatures'
  if (schedule === SALAKHUTDINOV_MURRAY_SCHEDULE) {
    // integer grid points, so every β is the nearest double to its decimal value
    const out: number[] = []
    for (let k = 0; k < 500; k++) out.push(k / 1000)
    for (let k = 0; k < 4000; k++) out.push((5000 + k) / 10000)
    for (let k = 0; k <= 10000; k++) out.push((90000 + k) / 100000)
    return Float64Array.from(out)
  }
  if (typeof schedule === 'object' && schedule !== null && 'numTemperatures' in schedule) {
    const n = schedule.numTemperatures
    if (!(Number.isInteger(n) && n >= 2)) {
      throw new InvalidArgumentError(op, 'numTemperatures', `must be an integer >= 2, got ${n}`)
    }
    return Float64Array.from({ length: n }, (_, k) => (k === n - 1 ? 1 : k / (n - 1)))
  }
  if (typeof schedule === 'string' || typeof schedule !== 'object' || schedule === null) {
    throw new InvalidArgumentError(
      op,
      'schedule',
      `must be '${SALAKHUTDINOV_MURRAY_SCHEDULE}', { numTemperatures } or an array of values, got ${JSON.stringify(schedule)}`,
    )
  }
  const betas = Float64Array.from(schedule)
  if (betas.length < 2 || betas[0] !== 0 || betas[betas.length - 1] !== 1) {
    throw new InvalidArgumentError(
      op,
      'schedule',
      `must have at least 2 values from exactly 0 to exactly 1, got ${betas.length} values from ${betas[0]} to ${betas[betas.length - 1]}`,
    )
  }
  for (let k = 1; k < betas.length; k++) {
    if (!(betas[k] > betas[k - 1])) {
      throw new InvalidArgumentError(
        op,
        'schedule',
        `must rise strictly, got ${betas[k - 1]} then ${betas[k]} at index ${k}`,
      )
    }
  }
  return betas
}
