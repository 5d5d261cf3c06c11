import { checkOptions, fold, InvalidArgumentError, type Key } from '@gen/core-tensor'

import {
  checkDistribution,
  checkMachine,
  exactClampedStatistics,
  klGradientInternal,
  MAX_ENUMERATED_UNITS,
  mergeDistribution,
  sampledStatistics,
  type AnnealingStep,
  type BoltzmannMachine,
  type VisibleDistribution,
} from './boltzmann-machine'
import { checkNonNegativeNumber, checkPositiveInteger, checkPositiveNumber } from './internal/numeric'

/**
 * How {@link trainBoltzmannMachine} gets the clamped and free statistics: exactly by
 * enumeration, or estimated by simulated annealing then Gibbs sampling as in the 1985 paper.
 *
 * @example
 * ```ts
 * const exact: BoltzmannStatistics = { kind: 'exact' }
 * const sampled: BoltzmannStatistics = { kind: 'sampled', numChains: 20, numSweeps: 10 }
 * ```
 */
export type BoltzmannStatistics =
  | { readonly kind: 'exact' }
  | {
      readonly kind: 'sampled'
      /** Annealing schedule before each collection (see {@link sampledStatistics}). */
      readonly schedule?: readonly AnnealingStep[]
      /** Collection sweeps per chain (default 10). */
      readonly numSweeps?: number
      /** Chains per clamped pattern and for the free phase (default 10). */
      readonly numChains?: number
    }

/**
 * Options of {@link trainBoltzmannMachine}.
 *
 * @example
 * ```ts
 * const options: TrainBoltzmannMachineOptions = { learningRate: 1, numEpochs: 500, momentum: 0.5 }
 * ```
 */
export interface TrainBoltzmannMachineOptions {
  /** Step size η > 0 of gradient descent on KL. */
  readonly learningRate: number
  /** Learning cycles (one gradient step each). */
  readonly numEpochs: number
  /** Momentum μ ∈ [0, 1) (default 0): Δ ← μΔ − η∇. */
  readonly momentum?: number
  /** L2 weight decay λ ≥ 0 on the weights (default 0): adds λ w to ∇. */
  readonly weightDecay?: number
  /** Temperature T > 0 of the model (default 1). */
  readonly temperature?: number
  /** Statistics source (default exact). */
  readonly statistics?: BoltzmannStatistics
  /** Key of the sampling chains; required when `statistics.kind` is 'sampled'. */
  readonly key?: Key
  /**
   * Called after each cycle with the cycle number (1-based), the current machine and the KL
   * before the cycle's update (NaN when the net is too large to enumerate); return true to stop.
   */
  readonly onEpoch?: (epoch: number, machine: BoltzmannMachine, kl: number) => boolean | undefined
}

/**
 * The result of {@link trainBoltzmannMachine}.
 *
 * @example
 * ```ts
 * const { machine, klHistory, numEpochs } = trainBoltzmannMachine(init, data, options)
 * ```
 */
export interface TrainBoltzmannMachineResult {
  /** The trained machine (a new object; the input is not changed). */
  readonly machine: BoltzmannMachine
  /** KL(q ‖ p_T) before each cycle's update, [numEpochs] (empty when the net is too large to enumerate). */
  readonly klHistory: Float64Array
  /** Cycles actually run (fewer than asked when `onEpoch` stopped early). */
  readonly numEpochs: number
}

/**
 * Trains a Boltzmann machine on a visible distribution by the contrastive Hebbian rule of
 * Ackley, Hinton & Sejnowski (1985), gradient descent on KL(q ‖ p_T):
 *
 *   Δw_ij = (η/T)(<x_i x_j>_clamped − <x_i x_j>_free) − ηλ w_ij,  Δb_i = (η/T)(<x_i>_clamped − <x_i>_free)
 *
 * with optional momentum. Weights outside `machine.connectivity` stay zero. Statistics are
 * exact (enumeration, n ≤ 22 units) or estimated by annealing then Gibbs sampling.
 *
 * @param machine - the starting machine (not modified)
 * @param data - the visible distribution q: patterns [N, V] and optional probabilities [N]
 * @param options - {@link TrainBoltzmannMachineOptions}
 * @returns {@link TrainBoltzmannMachineResult}
 * @throws InvalidArgumentError for a bad learning rate, epoch count, momentum, data, a missing key
 *   for sampled statistics, or exact statistics on a net too large to enumerate
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * const init = initBoltzmannMachine({ numVisible: 3, numHidden: 3 }, { key: key(1) })
 * const { machine, klHistory } = trainBoltzmannMachine(init, parityPatterns(3), { learningRate: 2, numEpochs: 2000 })
 * ```
 */
export function trainBoltzmannMachine(
  machine: BoltzmannMachine,
  data: VisibleDistribution,
  options: TrainBoltzmannMachineOptions,
): TrainBoltzmannMachineResult {
  checkOptions('trainBoltzmannMachine', options)
  const op = 'trainBoltzmannMachine'
  const n = checkMachine(op, machine)
  checkPositiveNumber(op, 'learningRate', options.learningRate)
  checkPositiveInteger(op, 'numEpochs', options.numEpochs)
  const momentum = options.momentum ?? 0
  if (!(momentum >= 0 && momentum < 1)) {
    throw new InvalidArgumentError(op, 'momentum', `must be in [0, 1), got ${momentum}`)
  }
  const weightDecay = options.weightDecay ?? 0
  checkNonNegativeNumber(op, 'weightDecay', weightDecay)
  const temperature = options.temperature ?? 1
  checkPositiveNumber(op, 'temperature', temperature)
  const statistics = options.statistics ?? { kind: 'exact' }
  const enumerable = n <= MAX_ENUMERATED_UNITS
  if (statistics.kind === 'exact' && !enumerable) {
    throw new InvalidArgumentError(
      op,
      'statistics',
      `must be 'sampled' for nets over ${MAX_ENUMERATED_UNITS} units, got 'exact' with ${n} units`,
    )
  }
  if (statistics.kind === 'sampled' && options.key === undefined) {
    throw new InvalidArgumentError(op, 'key', `must be given for sampled statistics, got undefined`)
  }
  const merged = mergeDistribution(checkDistribution(op, data, machine.numVisible))

  const weights = Float64Array.from(machine.weights)
  const biases = Float64Array.from(machine.biases)
  const current: BoltzmannMachine = {
    ...machine,
    weights,
    biases,
    connectivity: Uint8Array.from(machine.connectivity),
  }
  const velocityW = new Float64Array(n * n)
  const velocityB = new Float64Array(n)
  const klHistory: number[] = []
  let epoch = 0
  while (epoch < options.numEpochs) {
    let gradW: Float64Array
    let gradB: Float64Array
    let kl = Number.NaN
    if (statistics.kind === 'exact') {
      const g = klGradientInternal(current, merged, temperature)
      gradW = g.weights
      gradB = g.biases
      kl = g.kl
    } else {
      if (enumerable) kl = klGradientInternal(current, merged, temperature).kl
      const epochKey = fold(options.key!, epoch)
      const common = {
        temperature,
        ...(statistics.schedule === undefined ? {} : { schedule: statistics.schedule }),
        ...(statistics.numSweeps === undefined ? {} : { numSweeps: statistics.numSweeps }),
        ...(statistics.numChains === undefined ? {} : { numChains: statistics.numChains }),
      }
      const clamped =
        machine.numHidden === 0
          ? exactClampedStatistics(current, data, { temperature })
          : sampledStatistics(current, { ...common, key: fold(epochKey, 0), clampTo: data })
      const free = sampledStatistics(current, { ...common, key: fold(epochKey, 1) })
      gradW = new Float64Array(n * n)
      gradB = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        gradB[i] = -(clamped[i * n + i] - free[i * n + i]) / temperature
        for (let j = 0; j < n; j++) {
          if (current.connectivity[i * n + j] === 1)
            gradW[i * n + j] = -(clamped[i * n + j] - free[i * n + j]) / temperature
        }
      }
    }
    if (enumerable) klHistory.push(kl)
    for (let i = 0; i < n * n; i++) {
      if (current.connectivity[i] === 0) continue
      velocityW[i] = momentum * velocityW[i] - options.learningRate * (gradW[i] + weightDecay * weights[i])
      weights[i] += velocityW[i]
    }
    for (let i = 0; i < n; i++) {
      velocityB[i] = momentum * velocityB[i] - options.learningRate * gradB[i]
      biases[i] += velocityB[i]
    }
    epoch += 1
    if (options.onEpoch?.(epoch, current, kl) === true) break
  }
  return { machine: current, klHistory: Float64Array.from(klHistory), numEpochs: epoch }
}
