/**
 * Reverse-mode autodiff over functions of parameter trees (JAX-style `grad` / `valueAndGrad`),
 * on a tape with the recorded primitives in execution (hence topological) order
 * (micrograd's engine; JAX's autodidax). Each primitive has one rule in `rules.ts`.
 */
import { ShapeError, InvalidArgumentError, DTypeError } from '../errors'
import { type TensorTree, runInScope, treeLeaves } from '../memory'
import { binaryP, constantP, zerosP } from '../primitives'
import { Tape, runtime } from '../runtime'
import { Tensor } from '../tensor'
import { rules } from './rules'

/** The gradient tree mirrors the parameter tree: same structure, a tensor per tensor. */
function mapTree<T>(tree: T, f: (t: Tensor) => Tensor): T {
  if (tree instanceof Tensor) return f(tree) as T
  if (Array.isArray(tree)) return tree.map((v: unknown) => mapTree(v, f)) as T
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(tree)) out[k] = mapTree(v, f)
    return out as T
  }
  return tree
}

function backward(tape: Tape, value: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>()
  grads.set(value.id, constantP(value.backend, [1], value.shape, value.dtype))
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i]
    const g = grads.get(node.output.id)
    if (g === undefined) continue
    const rule = rules[node.primitive]
    const needed = node.inputs.map((input) => input.dtype === 'float32' && tape.watched.has(input.id))
    const inputGrads = rule(node, g, needed)
    node.inputs.forEach((input, j) => {
      const gi = inputGrads[j]
      if (gi === null || input.dtype !== 'float32' || !tape.watched.has(input.id)) return
      const previous = grads.get(input.id)
      grads.set(input.id, previous === undefined ? gi : binaryP('add', previous, gi))
    })
  }
  return grads
}

/** The value of `f` and the gradient of that value with respect to each tensor in `params`. */
export interface ValueAndGrad<TParams> {
  /** f(params, ...args), a scalar tensor. */
  value: Tensor
  /** ∂value/∂params, a tree shaped like `params`. */
  grads: TParams
}

/**
 * Transforms `f(params, ...args) → scalar` into a function returning both the value and the
 * gradient with respect to every tensor in the `params` tree (other arguments are constants).
 * Intermediates are freed when it returns; the value and gradients are new tensors the caller
 * owns. Gradients of parameters that do not affect the value are zeros.
 *
 * Nested `grad` works: the backward pass is itself recorded by enclosing tapes.
 *
 * @param f - a function whose first argument is a tree of float32 tensors and that returns a
 *   one-element float32 tensor
 * @returns `(params, ...args) => { value, grads }`
 * @throws ShapeError when f does not return a one-element tensor
 * @example
 * ```ts
 * const f = (p: { w: Tensor }) => sum(mul(p.w, p.w))
 * const { value, grads } = valueAndGrad(f)({ w: fromArray([1, 2]) })
 * grads.w.toArray() // [2, 4]
 * ```
 */
export function valueAndGrad<TParams extends TensorTree, TArgs extends unknown[]>(
  f: (params: TParams, ...args: TArgs) => Tensor,
): (params: TParams, ...args: TArgs) => ValueAndGrad<TParams> {
  if (typeof f !== 'function')
    throw new InvalidArgumentError('valueAndGrad', 'f', `must be a function, got ${typeof f}`)
  return (params, ...args) =>
    runInScope(() => {
      const leaves = treeLeaves(params)
      for (const leaf of leaves) {
        leaf.assertLive('grad')
        if (leaf.dtype !== 'float32') {
          throw new DTypeError('grad', `parameters must be float32, got ${leaf.dtype}`, leaf.dtype)
        }
      }
      const tape = new Tape()
      for (const leaf of leaves) tape.watched.add(leaf.id)
      runtime.tapes.push(tape)
      let value: Tensor
      try {
        value = f(params, ...args)
      } finally {
        runtime.tapes.splice(runtime.tapes.indexOf(tape), 1)
      }
      if (!(value instanceof Tensor) || value.size !== 1 || value.dtype !== 'float32') {
        const got = value instanceof Tensor ? `${value.dtype} [${value.shape.join(',')}]` : typeof value
        throw new ShapeError('grad', `f must return a one-element float32 tensor, got ${got}`)
      }
      const grads = backward(tape, value)
      const gradTree = mapTree(
        params,
        (leaf) => grads.get(leaf.id) ?? zerosP(leaf.backend, leaf.shape, leaf.dtype),
      )
      return { value, grads: gradTree }
    }, 'grad')
}

/**
 * Transforms `f(params, ...args) → scalar` into a function returning ∂f/∂params, a tree
 * shaped like `params`. See `valueAndGrad`.
 *
 * @param f - scalar function of a parameter tree
 * @returns `(params, ...args) => grads`
 * @throws ShapeError when f does not return a one-element tensor
 * @example
 * ```ts
 * grad((w: Tensor) => sum(mul(w, w)))(fromArray([3])).toArray() // [6]
 * ```
 */
export function grad<TParams extends TensorTree, TArgs extends unknown[]>(
  f: (params: TParams, ...args: TArgs) => Tensor,
): (params: TParams, ...args: TArgs) => TParams {
  const both = valueAndGrad(f)
  return (params, ...args) => runInScope(() => both(params, ...args).grads, 'grad')
}

/**
 * Runs `fn` without recording gradients: ops inside are invisible to every tape (evaluation,
 * parameter updates).
 *
 * @param fn - a synchronous function
 * @returns what fn returns
 * @example
 * ```ts
 * const updated = noGrad(() => sub(w, mul(g, 0.1)))
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  runtime.noGradDepth += 1
  try {
    return fn()
  } finally {
    runtime.noGradDepth -= 1
  }
}
