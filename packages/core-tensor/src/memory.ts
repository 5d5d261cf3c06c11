/**
 * Memory management: `tidy` scopes, tree `dispose`, `keep`, and `memoryStats`.
 */
import type { BackendV1 } from './backend/spec'
import { InvalidArgumentError } from './errors'
import { runtime } from './runtime'
import { Tensor } from './tensor'

/** A plain nested structure of tensors (arrays and objects): parameters, gradients, states. */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree }

/** Every tensor in a tree (or any value: non-tensors are skipped), depth first. */
export function treeLeaves(tree: unknown): Tensor[] {
  const out: Tensor[] = []
  const visit = (node: unknown): void => {
    if (node instanceof Tensor) out.push(node)
    else if (Array.isArray(node)) node.forEach(visit)
    else if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
      Object.values(node as Record<string, unknown>).forEach(visit)
    }
  }
  visit(tree)
  return out
}

/**
 * @internal Runs fn in a scope; disposes what it created except what `result` holds and what an
 * active gradient tape still refers to (those move to the enclosing scope, so nested `grad` and
 * a `tidy` inside a differentiated function keep the tensors the outer backward pass reads).
 */
export function runInScope<T>(fn: () => T, op = 'tidy'): T {
  const scope: Tensor[] = []
  runtime.scopes.push(scope)
  let result: T
  try {
    result = fn()
  } catch (error) {
    runtime.scopes.pop()
    for (const t of scope) t.dispose()
    throw error
  }
  runtime.scopes.pop()
  if (result instanceof Promise) {
    throw new InvalidArgumentError(op, 'fn', 'must be synchronous, got a function returning a Promise')
  }
  const kept = new Set(treeLeaves(result))
  const parent = runtime.scopes.at(-1)
  const tapes = runtime.tapes
  for (const t of scope) {
    if (kept.has(t)) parent?.push(t)
    else if (parent !== undefined && tapes.length > 0 && tapes.some((tape) => tape.held.has(t)))
      parent.push(t)
    else t.dispose()
  }
  return result
}

/**
 * Runs `fn` and frees every tensor it created, except the tensors in its return value (which
 * move to the enclosing scope, if any). Tensors created before the call are untouched.
 *
 * @param fn - a synchronous function
 * @returns what `fn` returns
 * @throws InvalidArgumentError when fn returns a Promise (scopes cannot span awaits)
 * @example
 * ```ts
 * const y = tidy(() => sum(mul(x, x))) // the product is freed, y lives on
 * ```
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function')
    throw new InvalidArgumentError('tidy', 'fn', `must be a function, got ${typeof fn}`)
  return runInScope(fn)
}

/**
 * Exempts a tensor created inside `tidy` from that scope's cleanup.
 *
 * @param x - the tensor to keep
 * @returns x
 * @example
 * ```ts
 * tidy(() => { cache = keep(exp(x)) })
 * ```
 */
export function keep<T extends Tensor>(x: T): T {
  for (const scope of runtime.scopes) {
    const i = scope.indexOf(x)
    if (i >= 0) scope.splice(i, 1)
  }
  return x
}

/**
 * Disposes every tensor in a tree (a tensor, or nested arrays/objects of tensors).
 *
 * @param tree - what to free
 * @example
 * ```ts
 * dispose({ w, b: [b1, b2] })
 * ```
 */
export function dispose(tree: unknown): void {
  for (const t of treeLeaves(tree)) t.dispose()
}

/** Live tensors and bytes on one backend. */
export interface BackendMemoryStats {
  /** Tensor objects not yet disposed (views count separately). */
  tensors: number
  /** Bytes held by live buffers. */
  bytes: number
  /** Live buffers (views share one). */
  buffers: number
}

/** Totals over all backends, and the figures per backend name. */
export interface MemoryStats extends BackendMemoryStats {
  /** Per backend, keyed by backend name. */
  backends: Record<string, BackendMemoryStats>
}

/**
 * Live tensors, buffers and bytes, in total and per backend. A training loop that does not
 * leak keeps these constant from step to step (case H5).
 *
 * @param backend - restrict the totals to one backend (optional)
 * @returns the counts
 * @example
 * ```ts
 * const before = memoryStats().tensors
 * tidy(() => exp(x))
 * memoryStats().tensors === before // true
 * ```
 */
export function memoryStats(backend?: BackendV1): MemoryStats {
  const stats: MemoryStats = { tensors: 0, bytes: 0, buffers: 0, backends: {} }
  for (const [b, m] of runtime.memory) {
    if (backend !== undefined && b !== backend) continue
    const entry = stats.backends[b.name] ?? { tensors: 0, bytes: 0, buffers: 0 }
    entry.tensors += m.tensors
    entry.bytes += m.bytes
    entry.buffers += m.buffers
    stats.backends[b.name] = entry
    stats.tensors += m.tensors
    stats.bytes += m.bytes
    stats.buffers += m.buffers
  }
  return stats
}
