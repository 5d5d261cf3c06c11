import type { BackendV1 } from '../backend/spec'
import { fromArray } from '../ops/creation'
import type { Tensor } from '../tensor'
import { applyUpdates, type Optimizer } from './optimizer'
import type { TensorTree } from './tree'

/**
 * Test helper (not exported from the subpath): runs `optimizer` on a one-element parameter
 * `{ w }` with the given gradient sequence and returns w after each step.
 *
 * @internal
 */
export function trajectory<TState>(
  optimizer: Optimizer<TState>,
  backend: BackendV1,
  w0: number,
  gradients: readonly number[],
): number[] {
  let params: TensorTree = { w: fromArray([w0], { backend }) }
  let state = optimizer.init(params)
  const out: number[] = []
  for (const g of gradients) {
    const grads = { w: fromArray([g], { backend }) }
    const result = optimizer.update(grads, state, params)
    state = result.state
    params = applyUpdates(params, result.updates)
    out.push((params as Record<string, Tensor>).w.item())
  }
  return out
}
