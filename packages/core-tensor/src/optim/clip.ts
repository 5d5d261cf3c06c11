import { InvalidArgumentError } from '../errors'
import { tidy } from '../memory'
import { add, div, maximum, mul } from '../ops/binary'
import { sum } from '../ops/reduce'
import { sqrt, square } from '../ops/unary'
import type { Tensor } from '../tensor'
import type { Optimizer } from './optimizer'
import { mapTree, treeLeaves, type TensorTree } from './tree'

/**
 * The global L2 norm of a tree, `‖g‖ = √(Σ_leaves Σ_i g_i²)`, as a scalar tensor on the
 * leaves' backend (no readback, so it stays on a GPU).
 *
 * @param tree - gradients or parameters; at least one tensor
 * @returns a scalar tensor (shape [])
 * @throws InvalidArgumentError when the tree has no tensors
 * @example
 * ```ts
 * globalNorm({ a: fromArray([3]), b: fromArray([4]) }).item() // 5
 * ```
 */
export function globalNorm(tree: TensorTree): Tensor {
  const leaves = treeLeaves(tree)
  if (leaves.length === 0)
    throw new InvalidArgumentError('globalNorm', 'tree', 'must hold at least one tensor, got none')
  return tidy(() => {
    let total = sum(square(leaves[0][1]))
    for (let i = 1; i < leaves.length; i++) total = add(total, sum(square(leaves[i][1])))
    return sqrt(total)
  })
}

/**
 * Clips gradients by their global norm (Pascanu, Mikolov & Bengio 2013, "On the difficulty of
 * training recurrent neural networks"), as a stateless optimizer stage to `chain` before
 * another:
 *
 * ```
 * g ← g · c / max(‖g‖, c)        (unchanged when ‖g‖ ≤ c; rescaled to norm c otherwise)
 * ```
 *
 * Written with `max` rather than a branch so that it runs on the device without reading the
 * norm back; a zero gradient stays zero.
 *
 * @param maxNorm - the largest allowed global norm c > 0
 * @returns an optimizer stage whose state is null
 * @throws InvalidArgumentError when maxNorm is not a finite number > 0
 * @example
 * ```ts
 * const optimizer = chain(clipByGlobalNorm(1), adam({ learningRate: 1e-3 }))
 * ```
 */
export function clipByGlobalNorm(maxNorm: number): Optimizer<null> {
  if (typeof maxNorm !== 'number' || !Number.isFinite(maxNorm) || maxNorm <= 0) {
    throw new InvalidArgumentError(
      'clipByGlobalNorm',
      'maxNorm',
      `must be a finite number > 0, got ${String(maxNorm)}`,
    )
  }
  return {
    init: () => null,
    update: (grads) =>
      tidy(() => {
        const scale = div(maxNorm, maximum(globalNorm(grads), maxNorm))
        return { updates: mapTree('clipByGlobalNorm', ([g]) => mul(g, scale), grads), state: null }
      }),
  }
}
