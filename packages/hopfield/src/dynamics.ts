import {
  checkOptions,
  InvalidArgumentError,
  fold,
  permutation,
  split,
  uniformFloats,
  type Key,
} from '@gen/core-tensor'
import { asyncPass, cachedEnergy, glauberPass, startFields, type FieldState } from './internal/fields'
import {
  checkFinite,
  checkKey,
  checkPositiveInteger,
  describeValue,
  toSpins,
  type SpinLike,
} from './internal/validate'
import { energyOf, fieldsOf, type HopfieldNetwork } from './network'

/** Update rule of {@link recall}. */
export type Dynamics = 'asynchronous' | 'synchronous' | 'glauber'

/** Options of {@link asynchronousSweep}. */
export interface SweepOptions {
  /** Visit units in a fresh random order drawn from this key. */
  key?: Key
  /** Visit units in this order (indices in [0, N), repeats allowed). Ignored when `key` is set. */
  order?: ArrayLike<number>
}

/** Result of one sweep. */
export interface SweepResult {
  /** The new state (the input is not modified). */
  state: Int8Array
  /** How many units changed sign. */
  flips: number
}

function checkOrder(op: string, order: ArrayLike<number>, n: number): Int32Array {
  if (order === null || typeof order !== 'object' || typeof order.length !== 'number' || order.length === 0) {
    throw new InvalidArgumentError(
      op,
      'order',
      `must be a non-empty list of unit indices, got ${describeValue(order)}`,
    )
  }
  const out = new Int32Array(order.length)
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InvalidArgumentError(
        op,
        'order',
        `must hold integers in [0, ${n}), got ${String(i)} at position ${k}`,
      )
    }
    out[k] = i
  }
  return out
}

function naturalOrder(n: number): Int32Array {
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  return order
}

/**
 * One asynchronous zero-temperature sweep: units are visited one at a time and each takes the
 * sign of its current local field, s_i ← sign(Σ_j W_ij s_j − θ_i), keeping its value when the field
 * is exactly zero. Each flip lowers E = −½ sᵀWs + θ·s by 2|h_i| for symmetric W with zero
 * diagonal, so the energy never rises (Hopfield 1982).
 *
 * @param network - the network
 * @param state - a ±1 state of length N (not modified)
 * @param options - a key for a random order, or a given order; 0, 1, ..., N−1 by default
 * @returns the new state and the number of flips
 * @throws InvalidArgumentError on a bad state, key or order
 * @example
 * ```ts
 * asynchronousSweep(networkFromWeights([[0, -1], [-1, 0]]), [-1, -1], { order: [0, 1] }).state // [1, -1]
 * ```
 * @see Hopfield (1982), PNAS 79, 2554.
 */
export function asynchronousSweep(
  network: HopfieldNetwork,
  state: SpinLike,
  options: SweepOptions = {},
): SweepResult {
  const s = toSpins('asynchronousSweep', 'state', state, network.size)
  let order: Int32Array
  if (options.key !== undefined) {
    checkKey('asynchronousSweep', 'key', options.key)
    order = permutation(options.key, network.size)
  } else if (options.order !== undefined) {
    order = checkOrder('asynchronousSweep', options.order, network.size)
  } else {
    order = naturalOrder(network.size)
  }
  const fs = startFields(network, s)
  const flips = asyncPass(fs, order)
  return { state: fs.s, flips }
}

/**
 * One synchronous (parallel) step: every unit takes the sign of the field computed from the old
 * state at once, s ← sign(W s − θ), a zero field keeping the old value. Synchronous dynamics
 * can end in a 2-cycle instead of a fixed point (Little 1974; case H10 test B).
 *
 * @param network - the network
 * @param state - a ±1 state of length N (not modified)
 * @returns the new state
 * @throws InvalidArgumentError on a bad state
 * @example
 * ```ts
 * synchronousStep(networkFromWeights([[0, -1], [-1, 0]]), [-1, -1]) // [1, 1]
 * ```
 * @see Little (1974), Math. Biosci. 19, 101; Hopfield (1982), PNAS 79, 2554.
 */
export function synchronousStep(network: HopfieldNetwork, state: SpinLike): Int8Array {
  const s = toSpins('synchronousStep', 'state', state, network.size)
  return syncStep(network, s)
}

function syncStep(network: HopfieldNetwork, s: Int8Array): Int8Array {
  const h = fieldsOf(network, s)
  const out = new Int8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = h[i] > 0 ? 1 : h[i] < 0 ? -1 : s[i]
  return out
}

/** Options of {@link glauberSweep}. */
export interface GlauberOptions {
  /** Temperature T > 0. */
  temperature: number
  /** Key for the visiting order and the acceptance draws. */
  key: Key
}

function checkTemperature(op: string, temperature: number): void {
  checkFinite(op, 'temperature', temperature)
  if (!(temperature > 0)) {
    throw new InvalidArgumentError(
      op,
      'temperature',
      `must be > 0 (use asynchronous dynamics for T = 0), got ${temperature}`,
    )
  }
}

/**
 * One sweep of Glauber (heat-bath) dynamics at temperature T, in a random order: unit i becomes
 * +1 with probability 1 / (1 + exp(−2 h_i / T)). Samples the Boltzmann distribution
 * exp(−E/T); with one stored pattern the overlap follows the mean-field m = tanh(m/T)
 * (Amit, Gutfreund and Sompolinsky 1985).
 *
 * @param network - the network
 * @param state - a ±1 state of length N (not modified)
 * @param options - temperature T > 0 and a key
 * @returns the new state and the number of flips
 * @throws InvalidArgumentError on a bad state, temperature or key
 * @example
 * ```ts
 * const { state } = glauberSweep(net, probe, { temperature: 0.5, key: key(1) })
 * ```
 * @see Glauber (1963), J. Math. Phys. 4, 294; Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. A 32, 1007.
 */
export function glauberSweep(
  network: HopfieldNetwork,
  state: SpinLike,
  options: GlauberOptions,
): SweepResult {
  checkOptions('glauberSweep', options)
  const s = toSpins('glauberSweep', 'state', state, network.size)
  checkTemperature('glauberSweep', options.temperature)
  checkKey('glauberSweep', 'key', options.key)
  const [orderKey, drawKey] = split(options.key)
  const fs = startFields(network, s)
  const flips = glauberPass(
    fs,
    permutation(orderKey, network.size),
    uniformFloats(drawKey, network.size, 'float64'),
    options.temperature,
  )
  return { state: fs.s, flips }
}

/** Options of {@link recall}. */
export interface RecallOptions {
  /** Update rule; default `'asynchronous'`. */
  dynamics?: Dynamics
  /** Key for random visiting orders (asynchronous) and draws (Glauber, required there). */
  key?: Key
  /** A fixed visiting order for asynchronous sweeps, used when no key is given. */
  order?: ArrayLike<number>
  /** Temperature T > 0, Glauber only. */
  temperature?: number
  /** Most sweeps (synchronous: steps) to run; default 100. */
  maxSweeps?: number
  /** What to keep per sweep: `'states'` (default: states and energies), `'energies'` or `'none'`. */
  record?: 'states' | 'energies' | 'none'
}

/** States and energies after each sweep, index 0 being the probe. */
export interface Trajectory {
  /** States, when recorded. */
  states: Int8Array[]
  /** Energies E = −½ sᵀWs + θ·s. */
  energies: number[]
}

/** Result of {@link recall}. */
export interface RecallResult {
  /** The final state. */
  state: Int8Array
  /** Its energy. */
  energy: number
  /** True when a fixed point was reached (never for Glauber dynamics). */
  converged: boolean
  /** Sweeps (or synchronous steps) run. */
  sweeps: number
  /** Synchronous only: the cycle reached, `period` 1 for a fixed point, entered at step `start`. */
  cycle?: { period: number; start: number }
  /** Per-sweep record, as asked by `record`. */
  trajectory: Trajectory
}

/**
 * Recalls a memory: runs the dynamics from a probe until a fixed point (asynchronous), a cycle
 * (synchronous) or `maxSweeps`, returning the trajectory of states and energies.
 *
 * - asynchronous: zero-temperature sweeps in a random order per sweep (from `key`: sweep t uses
 *   `permutation(fold(key, t), N)`), in `order`, or in 0..N−1; stops after a sweep without flips.
 * - synchronous: s ← sign(W s − θ) for all units at once; stops when a state repeats, reporting
 *   the cycle (a period 2 cycle is possible, Hopfield 1982 vs Little 1974).
 * - glauber: heat-bath sweeps at `temperature` for exactly `maxSweeps` sweeps.
 *
 * @param network - the network
 * @param probe - the initial ±1 state of length N
 * @param options - dynamics, key, order, temperature, maxSweeps, record
 * @returns the final state, its energy, whether it converged, and the trajectory
 * @throws InvalidArgumentError on a bad probe, order, key, temperature or maxSweeps
 * @example
 * ```ts
 * const net = storeHebbian(createNetwork(4), [[1, -1, 1, -1], [1, 1, -1, -1]])
 * recall(net, [1, -1, 1, -1]).state // [1, -1, 1, -1]
 * ```
 * @see Hopfield (1982), PNAS 79, 2554.
 */
export function recall(network: HopfieldNetwork, probe: SpinLike, options: RecallOptions = {}): RecallResult {
  const op = 'recall'
  const s = toSpins(op, 'probe', probe, network.size)
  const maxSweeps = options.maxSweeps ?? 100
  checkPositiveInteger(op, 'maxSweeps', maxSweeps)
  const record = options.record ?? 'states'
  if (record !== 'states' && record !== 'energies' && record !== 'none') {
    throw new InvalidArgumentError(
      op,
      'record',
      `must be 'states', 'energies' or 'none', got ${String(record)}`,
    )
  }
  const dynamics = options.dynamics ?? 'asynchronous'
  if (dynamics === 'synchronous') return recallSynchronous(network, s, maxSweeps, record)
  if (dynamics !== 'asynchronous' && dynamics !== 'glauber') {
    throw new InvalidArgumentError(
      op,
      'dynamics',
      `must be 'asynchronous', 'synchronous' or 'glauber', got ${String(dynamics)}`,
    )
  }
  if (options.key !== undefined) checkKey(op, 'key', options.key)
  const trajectory: Trajectory = { states: [], energies: [] }
  const fs = startFields(network, s)
  const keep = (state: FieldState): void => {
    if (record === 'none') return
    if (record === 'states') trajectory.states.push(state.s.slice())
    trajectory.energies.push(cachedEnergy(state))
  }
  keep(fs)
  if (dynamics === 'glauber') {
    const temperature = options.temperature ?? Number.NaN
    checkTemperature(op, temperature)
    checkKey(op, 'key', options.key)
    const [orderKey, drawKey] = split(options.key)
    for (let t = 0; t < maxSweeps; t++) {
      glauberPass(
        fs,
        permutation(fold(orderKey, t), fs.n),
        uniformFloats(fold(drawKey, t), fs.n, 'float64'),
        temperature,
      )
      keep(fs)
    }
    return { state: fs.s, energy: cachedEnergy(fs), converged: false, sweeps: maxSweeps, trajectory }
  }
  const fixed =
    options.key === undefined
      ? options.order === undefined
        ? naturalOrder(fs.n)
        : checkOrder(op, options.order, fs.n)
      : undefined
  const sweepKey = options.key
  let converged = false
  let sweeps = 0
  while (sweeps < maxSweeps) {
    const order = fixed ?? permutation(fold(sweepKey!, sweeps), fs.n)
    const flips = asyncPass(fs, order)
    sweeps++
    keep(fs)
    if (flips === 0) {
      converged = true
      break
    }
  }
  return { state: fs.s, energy: cachedEnergy(fs), converged, sweeps, trajectory }
}

function recallSynchronous(
  network: HopfieldNetwork,
  start: Int8Array,
  maxSteps: number,
  record: 'states' | 'energies' | 'none',
): RecallResult {
  const trajectory: Trajectory = { states: [], energies: [] }
  const keep = (state: Int8Array): void => {
    if (record === 'none') return
    if (record === 'states') trajectory.states.push(state)
    trajectory.energies.push(energyOf(network, state))
  }
  // Every visited state is remembered, so any cycle (not only period 2) is found when it closes.
  const seen = new Map<string, number>()
  let s = start
  seen.set(s.join(','), 0)
  keep(s)
  for (let t = 1; t <= maxSteps; t++) {
    s = syncStep(network, s)
    keep(s)
    const id = s.join(',')
    const first = seen.get(id)
    if (first !== undefined) {
      const period = t - first
      return {
        state: s,
        energy: energyOf(network, s),
        converged: period === 1,
        sweeps: t,
        cycle: { period, start: first },
        trajectory,
      }
    }
    seen.set(id, t)
  }
  return { state: s, energy: energyOf(network, s), converged: false, sweeps: maxSteps, trajectory }
}
