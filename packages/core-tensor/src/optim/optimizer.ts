import { InvalidArgumentError } from '../errors'
import { tidy } from '../memory'
import { add } from '../ops/binary'
import { mapTree, type TensorTree } from './tree'

/**
 * A learning rate: a fixed number, or a schedule `step → rate` (see `cosineSchedule`...). The
 * step passed to a schedule is the number of updates made before this one (0 on the first).
 *
 * @example
 * ```ts
 * const fixed: LearningRate = 1e-3
 * const decaying: LearningRate = (step) => 1e-3 * 0.5 ** Math.floor(step / 100)
 * ```
 */
export type LearningRate = number | ((step: number) => number)

/**
 * What `update` returns: the additive updates (`params + updates` is the next parameter
 * tree; see {@link applyUpdates}) and the optimizer's next state.
 *
 * @example
 * ```ts
 * const { updates, state: next }: UpdateResult<AdamState> = optimizer.update(grads, state, params)
 * ```
 */
export interface UpdateResult<TState> {
  /** Additive updates, with the structure of the gradients. */
  readonly updates: TensorTree
  /** The next state; every tensor in it is new, so the previous state can be disposed. */
  readonly state: TState
}

/**
 * An optimizer as a pair of pure functions over parameter trees (optax's
 * `GradientTransformation`): `init` builds the state from the parameters, `update` turns
 * gradients into additive updates and the next state. Nothing is mutated, so a training step
 * is a function of its inputs and can be replayed exactly.
 *
 * Memory: `update` returns fresh tensors; run it inside `tidy` (or dispose its inputs) so
 * that the previous state's tensors are freed.
 *
 * @example
 * ```ts
 * const optimizer = adam({ learningRate: 1e-3 })
 * let state = optimizer.init(params)
 * const { updates, state: next } = optimizer.update(grads, state, params)
 * params = applyUpdates(params, updates)
 * ```
 */
export interface Optimizer<TState = unknown> {
  /** The initial state for `params` (moments at zero, step count 0). */
  init(params: TensorTree): TState
  /**
   * Updates from gradients. `params` is needed by weight decay (AdamW, SGD with decay);
   * other optimizers ignore it.
   */
  update(grads: TensorTree, state: TState, params?: TensorTree): UpdateResult<TState>
}

/**
 * `params + updates`, leaf by leaf: the step that follows `optimizer.update`.
 *
 * @param params - the current parameters
 * @param updates - updates of the same structure and shapes
 * @returns new parameter tensors (the inputs are not changed or disposed)
 * @throws ShapeError when the trees' structures or shapes differ
 * @example
 * ```ts
 * params = applyUpdates(params, updates)
 * ```
 */
export function applyUpdates(params: TensorTree, updates: TensorTree): TensorTree {
  return tidy(() => mapTree('applyUpdates', ([p, u]) => add(p, u), params, updates))
}

/**
 * Composes optimizers left to right: the updates of one are the gradients of the next
 * (optax's `chain`), e.g. clipping then Adam. The state is the array of their states.
 *
 * @param optimizers - the transformations, applied in order
 * @returns an optimizer whose state is `[state0, state1, ...]`
 * @example
 * ```ts
 * const optimizer = chain(clipByGlobalNorm(1), adam({ learningRate: 1e-3 }))
 * ```
 */
export function chain(...optimizers: readonly Optimizer<unknown>[]): Optimizer<unknown[]> {
  return {
    init: (params) => optimizers.map((o) => o.init(params)),
    update: (grads, state, params) => {
      if (!Array.isArray(state) || state.length !== optimizers.length) {
        throw new InvalidArgumentError(
          'chain.update',
          'state',
          `must be an array of ${optimizers.length} states, got ${describeValue(state)}`,
        )
      }
      // One scope, so that the updates passed between stages are freed.
      return tidy(() => {
        let updates = grads
        const next: unknown[] = []
        optimizers.forEach((o, i) => {
          const result = o.update(updates, state[i], params)
          updates = result.updates
          next.push(result.state)
        })
        return { updates, state: next }
      })
    },
  }
}

function describeValue(value: unknown): string {
  return Array.isArray(value) ? `an array of length ${value.length}` : String(value)
}

/** @internal The rate of a learning-rate option at `step`, checked finite and >= 0. */
export function rateAt(op: string, learningRate: LearningRate, step: number): number {
  const rate = typeof learningRate === 'number' ? learningRate : learningRate(step)
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    throw new InvalidArgumentError(
      op,
      'learningRate',
      `must be a finite number >= 0, got ${String(rate)} at step ${step}`,
    )
  }
  return rate
}

/** @internal Checks a learning-rate option when the optimizer is made. */
export function checkLearningRate(op: string, learningRate: unknown): asserts learningRate is LearningRate {
  if (typeof learningRate === 'function') return
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) {
    throw new InvalidArgumentError(
      op,
      'learningRate',
      `must be a finite number >= 0 or a schedule, got ${String(learningRate)}`,
    )
  }
}

/** @internal Checks `lo <= value < hi` (or `<= hi` when `closed`). */
export function checkRange(
  op: string,
  argument: string,
  value: unknown,
  range: { readonly lo: number; readonly hi: number; readonly closed?: boolean },
): asserts value is number {
  const { lo, hi, closed = false } = range
  const ok =
    typeof value === 'number' && Number.isFinite(value) && value >= lo && (closed ? value <= hi : value < hi)
  if (!ok) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be in [${lo}, ${hi}${closed ? ']' : ')'}, got ${String(value)}`,
    )
  }
}

/** @internal Checks a finite `value >= 0` (ε, weight decay). */
export function checkNonNegative(op: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(op, argument, `must be a finite number >= 0, got ${String(value)}`)
  }
}

/** @internal Checks a state object's step count. */
export function checkCount(op: string, count: unknown): asserts count is number {
  if (!Number.isSafeInteger(count) || (count as number) < 0) {
    throw new InvalidArgumentError(op, 'state.count', `must be an integer >= 0, got ${String(count)}`)
  }
}
