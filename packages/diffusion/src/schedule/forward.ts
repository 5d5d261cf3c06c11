/**
 * The forward process q(x_t | x_0) and the conversions between the three things a network
 * may predict: the noise eps, the clean data x_0, or the velocity v (Salimans & Ho 2022).
 * With a_t = sqrt(alphaBar_t) and s_t = sqrt(1 - alphaBar_t) (index convention in
 * noise-schedule.ts):
 *
 *   x_t = a_t x_0 + s_t eps,   v = a_t eps - s_t x_0,
 *   x_0 = (x_t - s_t eps) / a_t = a_t x_t - s_t v,   eps = (x_t - a_t x_0) / s_t = s_t x_t + a_t v,
 *   score grad log q_t(x_t) = -eps / s_t.
 *
 * Every function takes tensors `[B, ...]` (batch first) and one integer timestep per example.
 */
import { add, fromArray, InvalidArgumentError, mul, sub, Tensor, tidy } from '@gen/core-tensor'
import { checkFloatTensor, checkSameShape, describe } from './check'
import { checkSchedule, type NoiseSchedule } from './noise-schedule'

/**
 * Timesteps, one per example: a single integer for the whole batch, an array or Int32Array
 * of length B, or a tensor `[B]` (any dtype) of integers in [0, T).
 */
export type Timesteps = number | readonly number[] | Int32Array | Tensor

/**
 * Reads and checks timesteps for a batch of `batch` examples.
 *
 * @internal
 */
export function readTimesteps(op: string, schedule: NoiseSchedule, t: Timesteps, batch: number): Int32Array {
  let values: ArrayLike<number>
  if (typeof t === 'number') {
    values = new Array<number>(batch).fill(t)
  } else if (t instanceof Tensor) {
    if (t.rank !== 1 || t.shape[0] !== batch) {
      throw new InvalidArgumentError(
        op,
        't',
        `must be a tensor [${batch}] (one timestep per example), got [${t.shape.join(', ')}]`,
      )
    }
    values = t.dataSync()
  } else if (Array.isArray(t) || t instanceof Int32Array) {
    if (t.length !== batch) {
      throw new InvalidArgumentError(
        op,
        't',
        `must hold one timestep per example (${batch}), got length ${t.length}`,
      )
    }
    values = t
  } else {
    throw new InvalidArgumentError(
      op,
      't',
      `must be an integer, an array of integers or a tensor, got ${describe(t)}`,
    )
  }
  const out = new Int32Array(batch)
  const last = schedule.numTimesteps - 1
  for (let i = 0; i < batch; i++) {
    const v = values[i]
    if (!Number.isInteger(v) || v < 0 || v > last) {
      throw new InvalidArgumentError(
        op,
        't',
        `must be integers in [0, ${last}], got ${String(v)} at index ${i}`,
      )
    }
    out[i] = v
  }
  return out
}

/**
 * A `[B, 1, ..., 1]` float32 tensor holding `table[t_i]` for each example, on `like`'s backend.
 *
 * @internal
 */
export function perExample(table: Float64Array, t: Int32Array, like: Tensor): Tensor {
  const values = new Float64Array(t.length)
  for (let i = 0; i < t.length; i++) values[i] = table[t[i]]
  const shape = [t.length, ...new Array<number>(like.rank - 1).fill(1)]
  return fromArray(values, { shape, backend: like.backend, dtype: 'float32' })
}

interface Prepared {
  readonly t: Int32Array
}

function prepare(
  op: string,
  schedule: NoiseSchedule,
  pair: readonly [readonly [string, unknown], readonly [string, unknown]],
  t: Timesteps,
): Prepared {
  const [[firstName, first], [secondName, second]] = pair
  checkSchedule(op, schedule)
  checkFloatTensor(op, firstName, first)
  checkFloatTensor(op, secondName, second)
  checkSameShape(op, [firstName, secondName], first, second)
  return { t: readTimesteps(op, schedule, t, first.shape[0]) }
}

/** `p * x + q * y` with per-example coefficient tables (a tidy scope frees the broadcast views). */
function combine(tables: readonly [Float64Array, Float64Array], t: Int32Array, x: Tensor, y: Tensor): Tensor {
  return tidy(() => add(mul(perExample(tables[0], t, x), x), mul(perExample(tables[1], t, x), y)))
}

/** `(x - q * y) / p`, as `x / p - (q / p) y`, with per-example tables p and q. */
function solve(tables: readonly [Float64Array, Float64Array], t: Int32Array, x: Tensor, y: Tensor): Tensor {
  const [p, q] = tables
  const inverse = p.map((v) => 1 / v)
  const ratio = q.map((v, i) => v / p[i])
  return tidy(() => sub(mul(perExample(inverse, t, x), x), mul(perExample(ratio, t, x), y)))
}

/**
 * Samples the forward process: x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) eps
 * (Ho et al. 2020, eq. 4), with t = 0..T-1 as in {@link NoiseSchedule}.
 *
 * Shapes: x0 and eps `[B, ...]`, t one integer per example; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param x0 - clean data, float32 `[B, ...]`
 * @param t - timesteps in [0, T)
 * @param eps - standard normal noise of x0's shape
 * @returns x_t
 * @throws InvalidArgumentError for a bad schedule, non-tensors, or timesteps outside [0, T)
 * @throws ShapeError when eps does not have x0's shape
 * @example
 * ```ts
 * const schedule = cosineSchedule({ numTimesteps: 1000 })
 * const eps = fromArray(normalFloats(key(0), 2 * 64), { shape: [64, 2] })
 * const xt = qSample(schedule, x0, 500, eps)
 * ```
 */
export function qSample(schedule: NoiseSchedule, x0: Tensor, t: Timesteps, eps: Tensor): Tensor {
  const { t: steps } = prepare(
    'qSample',
    schedule,
    [
      ['x0', x0],
      ['eps', eps],
    ],
    t,
  )
  return combine([schedule.sqrtAlphaBars, schedule.sqrtOneMinusAlphaBars], steps, x0, eps)
}

/**
 * The x_0 that a noise prediction implies: x_0 = (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t)
 * (Ho et al. 2020, eq. 15).
 *
 * Shapes: xt and eps `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param xt - noisy input
 * @param t - its timesteps
 * @param eps - predicted noise
 * @returns predicted x_0
 * @throws InvalidArgumentError / ShapeError as {@link qSample}
 * @example
 * ```ts
 * const x0 = predictX0FromEps(schedule, xt, 500, model(xt, t))
 * ```
 */
export function predictX0FromEps(schedule: NoiseSchedule, xt: Tensor, t: Timesteps, eps: Tensor): Tensor {
  const { t: steps } = prepare(
    'predictX0FromEps',
    schedule,
    [
      ['xt', xt],
      ['eps', eps],
    ],
    t,
  )
  return solve([schedule.sqrtAlphaBars, schedule.sqrtOneMinusAlphaBars], steps, xt, eps)
}

/**
 * The noise that an x_0 prediction implies: eps = (x_t - sqrt(alphaBar_t) x_0) / sqrt(1 - alphaBar_t).
 *
 * Shapes: xt and x0 `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param xt - noisy input
 * @param t - its timesteps
 * @param x0 - predicted clean data
 * @returns the implied eps
 * @throws InvalidArgumentError / ShapeError as {@link qSample}
 * @example
 * ```ts
 * const eps = epsFromX0(schedule, xt, 500, x0Prediction)
 * ```
 */
export function epsFromX0(schedule: NoiseSchedule, xt: Tensor, t: Timesteps, x0: Tensor): Tensor {
  const { t: steps } = prepare(
    'epsFromX0',
    schedule,
    [
      ['xt', xt],
      ['x0', x0],
    ],
    t,
  )
  return solve([schedule.sqrtOneMinusAlphaBars, schedule.sqrtAlphaBars], steps, xt, x0)
}

/**
 * The v-prediction target of Salimans & Ho (2022, Appendix D): v = sqrt(alphaBar_t) eps -
 * sqrt(1 - alphaBar_t) x_0.
 *
 * Shapes: x0 and eps `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param x0 - clean data
 * @param t - timesteps
 * @param eps - the noise used to make x_t
 * @returns v
 * @throws InvalidArgumentError / ShapeError as {@link qSample}
 * @example
 * ```ts
 * const target = vTarget(schedule, x0, t, eps)
 * ```
 */
export function vTarget(schedule: NoiseSchedule, x0: Tensor, t: Timesteps, eps: Tensor): Tensor {
  const { t: steps } = prepare(
    'vTarget',
    schedule,
    [
      ['x0', x0],
      ['eps', eps],
    ],
    t,
  )
  const negative = schedule.sqrtOneMinusAlphaBars.map((v) => -v)
  return combine([schedule.sqrtAlphaBars, negative], steps, eps, x0)
}

/**
 * The x_0 that a v prediction implies: x_0 = sqrt(alphaBar_t) x_t - sqrt(1 - alphaBar_t) v
 * (Salimans & Ho 2022).
 *
 * Shapes: xt and v `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param xt - noisy input
 * @param t - its timesteps
 * @param v - predicted velocity
 * @returns predicted x_0
 * @throws InvalidArgumentError / ShapeError as {@link qSample}
 * @example
 * ```ts
 * const x0 = predictX0FromV(schedule, xt, t, model(xt, t))
 * ```
 */
export function predictX0FromV(schedule: NoiseSchedule, xt: Tensor, t: Timesteps, v: Tensor): Tensor {
  const { t: steps } = prepare(
    'predictX0FromV',
    schedule,
    [
      ['xt', xt],
      ['v', v],
    ],
    t,
  )
  const negative = schedule.sqrtOneMinusAlphaBars.map((value) => -value)
  return combine([schedule.sqrtAlphaBars, negative], steps, xt, v)
}

/**
 * The noise that a v prediction implies: eps = sqrt(1 - alphaBar_t) x_t + sqrt(alphaBar_t) v
 * (Salimans & Ho 2022).
 *
 * Shapes: xt and v `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param xt - noisy input
 * @param t - its timesteps
 * @param v - predicted velocity
 * @returns the implied eps
 * @throws InvalidArgumentError / ShapeError as {@link qSample}
 * @example
 * ```ts
 * const eps = epsFromV(schedule, xt, t, model(xt, t)) // feed a v-model to an eps sampler
 * ```
 */
export function epsFromV(schedule: NoiseSchedule, xt: Tensor, t: Timesteps, v: Tensor): Tensor {
  const { t: steps } = prepare(
    'epsFromV',
    schedule,
    [
      ['xt', xt],
      ['v', v],
    ],
    t,
  )
  return combine([schedule.sqrtOneMinusAlphaBars, schedule.sqrtAlphaBars], steps, xt, v)
}

/**
 * The score of the noised marginal that a noise prediction implies:
 * grad log q_t(x_t) = -eps / sqrt(1 - alphaBar_t) (Song et al. 2021, "Score-based generative
 * modeling through SDEs", Sec. 4 and Appendix B).
 *
 * Shapes: eps `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param t - timesteps
 * @param eps - predicted noise
 * @returns the score estimate
 * @throws InvalidArgumentError as {@link qSample}
 * @example
 * ```ts
 * const score = scoreFromEps(schedule, t, model(xt, t))
 * ```
 */
export function scoreFromEps(schedule: NoiseSchedule, t: Timesteps, eps: Tensor): Tensor {
  const op = 'scoreFromEps'
  checkSchedule(op, schedule)
  checkFloatTensor(op, 'eps', eps)
  const steps = readTimesteps(op, schedule, t, eps.shape[0])
  const scale = schedule.sqrtOneMinusAlphaBars.map((v) => -1 / v)
  return tidy(() => mul(perExample(scale, steps, eps), eps))
}

/**
 * Mean of the forward posterior q(x_{t-1} | x_t, x_0) (Ho et al. 2020, eq. 7):
 * coefX0_t x_0 + coefXt_t x_t. Its variance is `schedule.posteriorVariance[t]`. At t = 0 it is
 * x_0 itself.
 *
 * Shapes: x0 and xt `[B, ...]`; result `[B, ...]`.
 *
 * @param schedule - the noise schedule
 * @param x0 - clean data (or its prediction)
 * @param xt - the noisy sample
 * @param t - timesteps
 * @returns the posterior mean
 * @throws InvalidArgumentError / ShapeError as {@link qSample}
 * @example
 * ```ts
 * const mean = posteriorMean(schedule, x0Prediction, xt, t)
 * ```
 */
export function posteriorMean(schedule: NoiseSchedule, x0: Tensor, xt: Tensor, t: Timesteps): Tensor {
  const { t: steps } = prepare(
    'posteriorMean',
    schedule,
    [
      ['x0', x0],
      ['xt', xt],
    ],
    t,
  )
  return combine([schedule.posteriorMeanCoefX0, schedule.posteriorMeanCoefXt], steps, x0, xt)
}
