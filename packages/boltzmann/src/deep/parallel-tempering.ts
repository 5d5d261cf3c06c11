// Parallel tempering (replica exchange) for Bernoulli RBMs, the negative phase of Desjardins,
// Courville, Bengio, Vincent & Delalleau (2010), "Tempered Markov chain Monte Carlo for training
// of restricted Boltzmann machines" (AISTATS).
//
// Replica m runs block Gibbs on p_β(v, h) ∝ exp(−β_m E(v, h)), E(v, h) = −bᵀv − cᵀh − vᵀWh, with
// β_0 = 1 > β_1 > … > β_{M−1} ≥ 0. Neighbours swap their joint states with the Metropolis
// probability  min(1, exp((β_m − β_{m+1}) (E(x_m) − E(x_{m+1})))), which keeps the product of
// the M tempered distributions invariant; the β = 1 replicas feed the negative phase.
//
// Layout: C independent PT systems × M temperatures; replica (m, c) is row m·C + c of
// `visible` [M·C, V] and `hidden` [M·C, H].
import { checkOptions, fold, InvalidArgumentError, uniformFloats, type Key } from '@gen/core-tensor'

import { checkPositiveInteger } from '../internal/numeric'
import type { Rbm, RbmGradient } from '../rbm'
import {
  addStatistics,
  bernoulliDraw,
  checkRbmShape,
  checkRows,
  hiddenProbabilitiesAt,
  jointEnergyRow,
  visibleProbabilitiesAt,
  zeroRbmGradient,
} from './internal'

/**
 * State of {@link rbmParallelTemperingStep}: the replicas and the swap counts so far.
 *
 * @example
 * ```ts
 * const state = initTemperingChains(rbm, { key: key(0), numChains: 100, inverseTemperatures: linearInverseTemperatures(10) })
 * ```
 */
export interface TemperingState {
  /** β [M], strictly decreasing from β_0 = 1 to β_{M−1} ≥ 0. */
  readonly inverseTemperatures: Float64Array
  /** C, the PT systems per temperature. */
  readonly numChains: number
  /** v [M·C, V], replica (m, c) at row m·C + c. */
  readonly visible: Float64Array
  /** h [M·C, H], drawn from p_β(h | v) of the same row. */
  readonly hidden: Float64Array
  /** Swaps attempted between β_m and β_{m+1}, [M − 1]. */
  readonly swapAttempts: Float64Array
  /** Swaps accepted between β_m and β_{m+1}, [M − 1]. */
  readonly swapAccepts: Float64Array
}

/**
 * M inverse temperatures evenly spaced from 1 down to `lowest`: β_m = 1 − (1 − lowest) m / (M − 1).
 *
 * @param count - M ≥ 2
 * @param lowest - β_{M−1} ∈ [0, 1) (default 0, the uniform distribution)
 * @returns Float64Array [M]
 * @throws InvalidArgumentError for M < 2 or lowest outside [0, 1)
 * @example
 * ```ts
 * linearInverseTemperatures(5) // [1, 0.75, 0.5, 0.25, 0]
 * ```
 */
export function linearInverseTemperatures(count: number, lowest = 0): Float64Array {
  const op = 'linearInverseTemperatures'
  checkPositiveInteger(op, 'count', count)
  if (count < 2) throw new InvalidArgumentError(op, 'count', `must be at least 2, got ${count}`)
  if (!(lowest >= 0 && lowest < 1))
    throw new InvalidArgumentError(op, 'lowest', `must be in [0, 1), got ${lowest}`)
  // the last one is exactly `lowest`, not 1 − (1 − lowest) rounded
  return Float64Array.from({ length: count }, (_, m) =>
    m === count - 1 ? lowest : 1 - ((1 - lowest) * m) / (count - 1),
  )
}

function checkInverseTemperatures(op: string, betas: ArrayLike<number>): void {
  if (betas.length < 2) {
    throw new InvalidArgumentError(
      op,
      'inverseTemperatures',
      `must hold at least 2 values, got ${betas.length}`,
    )
  }
  if (betas[0] !== 1) {
    throw new InvalidArgumentError(op, 'inverseTemperatures', `must start at 1, got ${betas[0]}`)
  }
  for (let m = 1; m < betas.length; m++) {
    if (!(betas[m] < betas[m - 1] && betas[m] >= 0)) {
      throw new InvalidArgumentError(
        op,
        'inverseTemperatures',
        `must decrease strictly and stay >= 0, got ${betas[m]} after ${betas[m - 1]} at index ${m}`,
      )
    }
  }
}

/**
 * The Metropolis probability of swapping two replicas' states between inverse temperatures
 * β_a and β_b: min(1, exp((β_a − β_b)(E_a − E_b))), with E_a the energy of the state now at β_a
 * (Swendsen & Wang 1986; Desjardins et al. 2010, eq. 6).
 *
 * @param betaA - β_a
 * @param betaB - β_b
 * @param energyA - E of the state at β_a
 * @param energyB - E of the state at β_b
 * @returns the acceptance probability in [0, 1]
 * @example
 * ```ts
 * temperingSwapProbability(1, 0.5, -2, -4) // exp(0.5 · 2) > 1 → 1
 * temperingSwapProbability(1, 0.5, -4, -2) // exp(−1) ≈ 0.368
 * ```
 */
export function temperingSwapProbability(
  betaA: number,
  betaB: number,
  energyA: number,
  energyB: number,
): number {
  const logRatio = (betaA - betaB) * (energyA - energyB)
  return logRatio >= 0 ? 1 : Math.exp(logRatio)
}

/**
 * Options of {@link initTemperingChains}.
 *
 * @example
 * ```ts
 * const options: InitTemperingOptions = { key: key(1), numChains: 10, inverseTemperatures: [1, 0.5, 0] }
 * ```
 */
export interface InitTemperingOptions {
  /** Key of the initial states. */
  readonly key: Key
  /** C ≥ 1 PT systems. */
  readonly numChains: number
  /** β [M] (default {@link linearInverseTemperatures}(10)). */
  readonly inverseTemperatures?: ArrayLike<number>
  /** Optional starting visible rows [C, V] in [0, 1] (probabilities are sampled), copied to every temperature; default Bernoulli(½). */
  readonly start?: ArrayLike<number>
}

/**
 * Starts C × M replicas: v from `start` (or Bernoulli(½)), h ~ p_β(h | v).
 *
 * @param rbm - the RBM
 * @param options - {@link InitTemperingOptions}
 * @returns a {@link TemperingState} with zero swap counts
 * @throws InvalidArgumentError for bad temperatures, counts or start rows
 * @example
 * ```ts
 * const state = initTemperingChains(rbm, { key: key(0), numChains: 100 })
 * ```
 */
export function initTemperingChains(rbm: Rbm, options: InitTemperingOptions): TemperingState {
  const op = 'initTemperingChains'
  checkOptions(op, options)
  checkRbmShape(op, rbm)
  checkPositiveInteger(op, 'numChains', options.numChains)
  const betas = Float64Array.from(options.inverseTemperatures ?? linearInverseTemperatures(10))
  checkInverseTemperatures(op, betas)
  const { numVisible: V } = rbm
  const C = options.numChains
  const M = betas.length
  let start: ArrayLike<number>
  if (options.start === undefined) start = new Float64Array(C * V).fill(0.5)
  else {
    const rows = checkRows(op, 'start', options.start, { width: V })
    if (rows !== C)
      throw new InvalidArgumentError(op, 'start', `must have numChains = ${C} rows, got ${rows}`)
    start = options.start
  }
  const probabilities = new Float64Array(M * C * V)
  for (let m = 0; m < M; m++) for (let k = 0; k < C * V; k++) probabilities[m * C * V + k] = start[k]
  const visible = bernoulliDraw(probabilities, fold(options.key, 0))
  const hidden = drawHidden(rbm, visible, { betas, chains: C }, fold(options.key, 1))
  return {
    inverseTemperatures: betas,
    numChains: C,
    visible,
    hidden,
    swapAttempts: new Float64Array(M - 1),
    swapAccepts: new Float64Array(M - 1),
  }
}

interface Replicas {
  readonly betas: Float64Array
  /** C, PT systems per temperature. */
  readonly chains: number
}

/** h ~ p_β(h | v) for every replica. */
function drawHidden(rbm: Rbm, visible: Float64Array, replicas: Replicas, k: Key): Float64Array {
  const { numVisible: V, numHidden: H } = rbm
  const { betas, chains: C } = replicas
  const out = new Float64Array(betas.length * C * H)
  const u = uniformFloats(k, betas.length * C * H, 'float64')
  for (let m = 0; m < betas.length; m++) {
    const p = hiddenProbabilitiesAt(rbm, visible.subarray(m * C * V, (m + 1) * C * V), C, betas[m])
    for (let q = 0; q < C * H; q++) out[m * C * H + q] = u[m * C * H + q] < p[q] ? 1 : 0
  }
  return out
}

/** v ~ p_β(v | h) for every replica. */
function drawVisible(rbm: Rbm, hidden: Float64Array, replicas: Replicas, k: Key): Float64Array {
  const { numVisible: V, numHidden: H } = rbm
  const { betas, chains: C } = replicas
  const out = new Float64Array(betas.length * C * V)
  const u = uniformFloats(k, betas.length * C * V, 'float64')
  for (let m = 0; m < betas.length; m++) {
    const p = visibleProbabilitiesAt(rbm, hidden.subarray(m * C * H, (m + 1) * C * H), C, betas[m])
    for (let q = 0; q < C * V; q++) out[m * C * V + q] = u[m * C * V + q] < p[q] ? 1 : 0
  }
  return out
}

function checkState(op: string, rbm: Rbm, state: TemperingState): void {
  checkOptions(op, state)
  checkInverseTemperatures(op, state.inverseTemperatures)
  const M = state.inverseTemperatures.length
  const C = state.numChains
  checkPositiveInteger(op, 'state.numChains', C)
  if (state.visible.length !== M * C * rbm.numVisible || state.hidden.length !== M * C * rbm.numHidden) {
    throw new InvalidArgumentError(
      op,
      'state',
      `must hold [M·C, V] = [${M * C}, ${rbm.numVisible}] visible and [${M * C}, ${rbm.numHidden}] hidden rows, got lengths ${state.visible.length} and ${state.hidden.length}`,
    )
  }
  if (state.swapAttempts.length !== M - 1 || state.swapAccepts.length !== M - 1) {
    throw new InvalidArgumentError(
      op,
      'state',
      `must hold M − 1 = ${M - 1} swap counts, got ${state.swapAttempts.length}`,
    )
  }
}

/**
 * The swap phase alone: for each PT system c, neighbours (m, m+1) try to exchange their joint
 * states, first the even pairs (0–1, 2–3, …), then the odd pairs (1–2, 3–4, …). A pair swaps when
 * u < {@link temperingSwapProbability}(β_m, β_{m+1}, E(x_m), E(x_{m+1})), with the uniforms
 * `uniformFloats(key, (M − 1)·C, 'float64')`, entry (m, c) at m·C + c.
 *
 * @param rbm - the RBM
 * @param state - the replicas (not modified)
 * @param k - key of the swap uniforms
 * @returns the new state (counts include this phase)
 * @throws InvalidArgumentError for a state that does not match the RBM
 * @example
 * ```ts
 * const swapped = rbmTemperingSwaps(rbm, state, key(3))
 * ```
 */
export function rbmTemperingSwaps(rbm: Rbm, state: TemperingState, k: Key): TemperingState {
  const op = 'rbmTemperingSwaps'
  checkRbmShape(op, rbm)
  checkState(op, rbm, state)
  return swapPhase(rbm, state, k)
}

function swapPhase(rbm: Rbm, state: TemperingState, k: Key): TemperingState {
  const { numVisible: V, numHidden: H } = rbm
  const betas = state.inverseTemperatures
  const M = betas.length
  const C = state.numChains
  const visible = Float64Array.from(state.visible)
  const hidden = Float64Array.from(state.hidden)
  const swapAttempts = Float64Array.from(state.swapAttempts)
  const swapAccepts = Float64Array.from(state.swapAccepts)
  const energy = new Float64Array(M * C)
  for (let r = 0; r < M * C; r++) energy[r] = jointEnergyRow(rbm, visible, hidden, r)
  const u = uniformFloats(k, (M - 1) * C, 'float64')
  const swapRows = (a: number, b: number): void => {
    for (let i = 0; i < V; i++) {
      const t = visible[a * V + i]
      visible[a * V + i] = visible[b * V + i]
      visible[b * V + i] = t
    }
    for (let j = 0; j < H; j++) {
      const t = hidden[a * H + j]
      hidden[a * H + j] = hidden[b * H + j]
      hidden[b * H + j] = t
    }
    const t = energy[a]
    energy[a] = energy[b]
    energy[b] = t
  }
  for (const parity of [0, 1]) {
    for (let m = parity; m + 1 < M; m += 2) {
      for (let c = 0; c < C; c++) {
        const a = m * C + c
        const b = (m + 1) * C + c
        swapAttempts[m] += 1
        if (u[m * C + c] < temperingSwapProbability(betas[m], betas[m + 1], energy[a], energy[b])) {
          swapAccepts[m] += 1
          swapRows(a, b)
        }
      }
    }
  }
  return { inverseTemperatures: betas, numChains: C, visible, hidden, swapAttempts, swapAccepts }
}

/**
 * Options of {@link rbmParallelTemperingStep}.
 *
 * @example
 * ```ts
 * const options: TemperingStepOptions = { key: key(4), numSteps: 1 }
 * ```
 */
export interface TemperingStepOptions {
  /** Key; step t uses fold(key, t): its Gibbs uniforms fold(·, 0) (v) and fold(·, 1) (h), its swaps fold(·, 2). */
  readonly key: Key
  /** Rounds of (Gibbs step at every temperature, then swaps) (default 1). */
  readonly numSteps?: number
}

/**
 * Advances parallel tempering: each round, every replica takes a block-Gibbs step at its own
 * β (v ~ p_β(v | h), then h ~ p_β(h | v), with p_β(h_j = 1 | v) = σ(β (c_j + vᵀW_{:,j}))), then
 * neighbours try to swap ({@link rbmTemperingSwaps}).
 *
 * @param rbm - the RBM
 * @param state - the replicas (not modified)
 * @param options - {@link TemperingStepOptions}
 * @returns the new state; `visible.subarray(0, C·V)` are the β = 1 samples
 * @throws InvalidArgumentError for a mismatched state or numSteps < 1
 * @example
 * ```ts
 * let state = initTemperingChains(rbm, { key: key(0), numChains: 100 })
 * state = rbmParallelTemperingStep(rbm, state, { key: key(1), numSteps: 10 })
 * temperingSwapRates(state) // acceptance per neighbour pair
 * ```
 */
export function rbmParallelTemperingStep(
  rbm: Rbm,
  state: TemperingState,
  options: TemperingStepOptions,
): TemperingState {
  const op = 'rbmParallelTemperingStep'
  checkOptions(op, options)
  checkRbmShape(op, rbm)
  checkState(op, rbm, state)
  const numSteps = options.numSteps ?? 1
  checkPositiveInteger(op, 'numSteps', numSteps)
  return temperingRounds(rbm, state, options.key, numSteps)
}

function temperingRounds(rbm: Rbm, state: TemperingState, k: Key, numSteps: number): TemperingState {
  let current = state
  for (let t = 0; t < numSteps; t++) {
    const stepKey = fold(k, t)
    const replicas = { betas: current.inverseTemperatures, chains: current.numChains }
    const visible = drawVisible(rbm, current.hidden, replicas, fold(stepKey, 0))
    const hidden = drawHidden(rbm, visible, replicas, fold(stepKey, 1))
    current = swapPhase(rbm, { ...current, visible, hidden }, fold(stepKey, 2))
  }
  return current
}

/**
 * Swap acceptance rate accepted/attempted of each neighbour pair (β_m, β_{m+1}) (NaN-free: 0 before any attempt).
 *
 * @param state - a {@link TemperingState}
 * @returns Float64Array [M − 1]
 * @example
 * ```ts
 * temperingSwapRates(state) // e.g. [0.81, 0.77, …]
 * ```
 */
export function temperingSwapRates(state: TemperingState): Float64Array {
  return state.swapAttempts.map((n, m) => (n === 0 ? 0 : state.swapAccepts[m] / n))
}

/**
 * A PT gradient estimate (Desjardins et al. 2010): the positive phase from the data, the
 * negative phase from the β = 1 replicas after `numSteps` PT rounds:
 *
 *   g_W = (1/B) v_dataᵀ σ(v_data W + c) − (1/C) v_PTᵀ σ(v_PT W + c), likewise the biases.
 *
 * @param rbm - the RBM
 * @param data - batch [B, V] in [0, 1]
 * @param state - the replicas (pass the returned `state` back next time)
 * @param options - {@link TemperingStepOptions}
 * @returns `gradient` (ascent direction) and the advanced `state`
 * @throws InvalidArgumentError for bad data, state or numSteps
 * @example
 * ```ts
 * const { gradient, state: next } = rbmParallelTemperingGradient(rbm, batch, state, { key: fold(key(2), step) })
 * ```
 */
export function rbmParallelTemperingGradient(
  rbm: Rbm,
  data: ArrayLike<number>,
  state: TemperingState,
  options: TemperingStepOptions,
): { readonly gradient: RbmGradient; readonly state: TemperingState } {
  const op = 'rbmParallelTemperingGradient'
  checkOptions(op, options)
  checkRbmShape(op, rbm)
  checkState(op, rbm, state)
  const rows = checkRows(op, 'data', data, { width: rbm.numVisible })
  const numSteps = options.numSteps ?? 1
  checkPositiveInteger(op, 'numSteps', numSteps)
  const next = temperingRounds(rbm, state, options.key, numSteps)
  const C = next.numChains
  const gradient = zeroRbmGradient(rbm)
  const positive = { visible: data, hiddenProbabilities: hiddenProbabilitiesAt(rbm, data, rows), rows }
  addStatistics(rbm, positive, 1, gradient)
  const chains = next.visible.subarray(0, C * rbm.numVisible)
  addStatistics(
    rbm,
    { visible: chains, hiddenProbabilities: hiddenProbabilitiesAt(rbm, chains, C), rows: C },
    -1,
    gradient,
  )
  return { gradient, state: next }
}
