import { InvalidArgumentError, ShapeError } from '../errors'
import type { TensorTree } from '../memory'
import { Tensor } from '../tensor'

export type { TensorTree }

function isPlainObject(value: unknown): value is Record<string, TensorTree> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Tensor)
}

function describeNode(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(',')}]`
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (isPlainObject(value)) return `an object with keys [${Object.keys(value).join(',')}]`
  return String(value)
}

/**
 * Maps `fn` over the leaves of one or more trees of the same structure (JAX's
 * `jax.tree.map`). The first tree fixes the structure; the others must match it key for key
 * and their tensors must have the same shapes. The path of a leaf is its dotted name
 * (`layers.0.weight`).
 *
 * @param op - name of the calling function, for error messages
 * @param fn - called once per leaf with the leaves at one path and the path
 * @param trees - the trees; at least one
 * @returns a tree of the first tree's structure holding `fn`'s results
 * @throws ShapeError when the structures, or the shapes of matching tensors, differ
 * @throws InvalidArgumentError when a leaf is not a tensor
 * @example
 * ```ts
 * const sum = mapTree('add', (a, b) => add(a, b), params, grads)
 * ```
 */
export function mapTree(
  op: string,
  fn: (leaves: Tensor[], path: string) => Tensor,
  ...trees: readonly TensorTree[]
): TensorTree {
  const walk = (nodes: readonly unknown[], path: string): TensorTree => {
    const [first] = nodes
    const where = path === '' ? 'the root' : path
    if (first instanceof Tensor) {
      nodes.forEach((node, i) => {
        if (!(node instanceof Tensor)) {
          throw new ShapeError(op, `tree ${i} must have a tensor at ${where}, got ${describeNode(node)}`)
        }
        node.assertLive(op)
        if (node.shape.length !== first.shape.length || node.shape.some((d, k) => d !== first.shape[k])) {
          throw new ShapeError(
            op,
            `tensors at ${where} must have one shape, got [${first.shape.join(',')}] and [${node.shape.join(',')}]`,
            [first.shape, node.shape],
          )
        }
      })
      return fn(nodes as Tensor[], path)
    }
    const prefix = path === '' ? '' : `${path}.`
    if (Array.isArray(first)) {
      nodes.forEach((node, i) => {
        if (!Array.isArray(node) || node.length !== first.length) {
          throw new ShapeError(
            op,
            `tree ${i} must have an array of length ${first.length} at ${where}, got ${describeNode(node)}`,
          )
        }
      })
      return first.map((_, k) =>
        walk(
          nodes.map((node) => (node as unknown[])[k]),
          `${prefix}${k}`,
        ),
      )
    }
    if (isPlainObject(first)) {
      const keys = Object.keys(first)
      nodes.forEach((node, i) => {
        if (
          !isPlainObject(node) ||
          Object.keys(node).length !== keys.length ||
          keys.some((k) => !(k in node))
        ) {
          throw new ShapeError(
            op,
            `tree ${i} must have an object with keys [${keys.join(',')}] at ${where}, got ${describeNode(node)}`,
          )
        }
      })
      const out: Record<string, TensorTree> = {}
      for (const k of keys)
        out[k] = walk(
          nodes.map((node) => (node as Record<string, unknown>)[k]),
          `${prefix}${k}`,
        )
      return out
    }
    throw new InvalidArgumentError(
      op,
      'tree',
      `leaves must be tensors, got ${describeNode(first)} at ${where}`,
    )
  }
  if (trees.length === 0) throw new InvalidArgumentError(op, 'trees', 'must hold at least one tree, got none')
  return walk(trees, '')
}

/**
 * The leaves of a tree with their dotted paths, depth first in key order (PyTorch's
 * `state_dict` naming: `layers.0.weight`).
 *
 * @param tree - a tensor tree
 * @returns `[path, tensor]` pairs; the root tensor of a bare-tensor tree has path `''`
 * @throws InvalidArgumentError when a leaf is not a tensor
 * @example
 * ```ts
 * treeLeaves({ a: x, b: [y] }) // [['a', x], ['b.0', y]]
 * ```
 */
export function treeLeaves(tree: TensorTree): [string, Tensor][] {
  const out: [string, Tensor][] = []
  mapTree(
    'treeLeaves',
    ([leaf], path) => {
      out.push([path, leaf])
      return leaf
    },
    tree,
  )
  return out
}

/**
 * Disposes every tensor of a tree (tensors shared between two places are disposed once).
 *
 * @param tree - the tree whose tensors to free
 * @example
 * ```ts
 * disposeTree(oldState.mu)
 * ```
 */
export function disposeTree(tree: TensorTree): void {
  for (const [, leaf] of treeLeaves(tree)) leaf.dispose()
}
