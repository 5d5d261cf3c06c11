/**
 * Process-level bookkeeping (internal): the stack of `tidy` scopes, the stack of gradient
 * tapes, the no-grad depth and the live-memory counters per backend.
 *
 * This is the one piece of shared mutable state in the package, and it is deliberate:
 * scopes and tapes must see every op on every backend without each call passing a context.
 * It affects only lifetimes and gradient recording, never the value an op computes, and it is
 * not exported (nothing outside can set a default backend or a mode through it).
 */
import type { BackendV1 } from './backend/spec'
import type { Tensor } from './tensor'

/** One recorded primitive application. */
export interface TapeNode {
  readonly primitive: string
  readonly inputs: readonly Tensor[]
  readonly output: Tensor
  readonly attrs: Readonly<Record<string, unknown>>
}

/** A gradient tape: the primitive applications that depend on its watched tensors, in order. */
export class Tape {
  readonly nodes: TapeNode[] = []
  readonly watched = new Set<number>()
  /**
   * Every tensor a node refers to (inputs and outputs). While the tape is active, a scope that
   * closes (an inner `grad`, a `tidy` inside the differentiated function) hands these to its
   * parent scope instead of disposing them: the tape's backward pass still reads them.
   */
  readonly held = new Set<Tensor>()
}

/** Live tensors and bytes held on one backend. */
export interface BackendMemory {
  tensors: number
  bytes: number
  buffers: number
}

class Runtime {
  nextTensorId = 1
  readonly scopes: Tensor[][] = []
  readonly tapes: Tape[] = []
  noGradDepth = 0
  readonly memory = new Map<BackendV1, BackendMemory>()

  memoryOf(backend: BackendV1): BackendMemory {
    let entry = this.memory.get(backend)
    if (entry === undefined) {
      entry = { tensors: 0, bytes: 0, buffers: 0 }
      this.memory.set(backend, entry)
    }
    return entry
  }
}

export const runtime = new Runtime()
