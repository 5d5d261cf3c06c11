import { tidy } from '../memory'
import { add, mul } from '../ops/binary'
import { checkRange } from './optimizer'
import { mapTree, type TensorTree } from './tree'

/**
 * The state of a parameter EMA: the average and how many updates it has seen.
 *
 * @example
 * ```ts
 * const state: EmaState = emaInit(params)
 * ```
 */
export interface EmaState {
  /** Updates folded in so far. */
  readonly count: number
  /** The averaged parameters, with the parameters' structure. */
  readonly average: TensorTree
}

/**
 * Starts an exponential moving average of parameters at a copy of them (the convention of
 * DDPM, Ho et al. 2020, and of most diffusion code).
 *
 * @param params - the parameters to average
 * @returns `{ count: 0, average }` where `average` holds new tensors equal to `params`
 * @example
 * ```ts
 * let ema = emaInit(params)
 * ```
 */
export function emaInit(params: TensorTree): EmaState {
  return tidy(() => ({ count: 0, average: mapTree('emaInit', ([p]) => mul(p, 1), params) }))
}

/**
 * Folds the current parameters into the average (Polyak & Juditsky 1992 averaging, in its
 * exponential form used for diffusion models):
 *
 * ```
 * θ̄ ← d · θ̄ + (1 − d) · θ
 * ```
 *
 * @param state - the EMA so far
 * @param params - the current parameters, same structure and shapes
 * @param decay - d in [0, 1]; 0.999 or 0.9999 are usual
 * @returns the next state (new tensors; the old average can be disposed)
 * @throws InvalidArgumentError when decay is outside [0, 1]
 * @throws ShapeError when the trees differ in structure or shapes
 * @example
 * ```ts
 * ema = emaUpdate(ema, params, 0.999)
 * ```
 */
export function emaUpdate(state: EmaState, params: TensorTree, decay: number): EmaState {
  checkRange('emaUpdate', 'decay', decay, { lo: 0, hi: 1, closed: true })
  const average = tidy(() =>
    mapTree('emaUpdate', ([a, p]) => add(mul(a, decay), mul(p, 1 - decay)), state.average, params),
  )
  return { count: state.count + 1, average }
}
