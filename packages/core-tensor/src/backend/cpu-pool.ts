/**
 * A bounded pool of large float32 arrays for the cpu backend. A fresh multi-megabyte typed
 * array costs page faults on first touch (about 2 ms for 6 MB here, more than the op that
 * fills it), while a disposed one is warm: reusing it is what tfjs-wasm gets from its heap.
 * Only arrays that own their whole buffer enter, so no view of live data is ever handed out.
 */

/** Arrays shorter than this come from the engine (cheap in V8's heap). */
const MIN_POOLED = 1 << 16
/** Most bytes held by the pool; beyond it disposed arrays are left to the collector. */
const MAX_POOL_BYTES = 64 << 20

/**
 * Free arrays by length.
 *
 * @example
 * ```ts
 * const pool = new Float32Pool()
 * const a = pool.take(1 << 20) // zero-filled
 * pool.give(a)
 * ```
 */
export class Float32Pool {
  private readonly free = new Map<number, Float32Array[]>()
  private bytes = 0

  /**
   * A zero-filled array of `size` elements, reused when one is free.
   *
   * @param size - elements
   * @param zero - fill a reused array with zeros (false when the caller overwrites it all)
   * @returns the array
   */
  take(size: number, zero = true): Float32Array {
    if (size >= MIN_POOLED) {
      const stack = this.free.get(size)
      const reused = stack?.pop()
      if (reused !== undefined) {
        this.bytes -= reused.byteLength
        if (zero) reused.fill(0)
        return reused
      }
    }
    return new Float32Array(size)
  }

  /**
   * Returns a disposed array for reuse when it is large, owns its buffer and fits the cap.
   *
   * @param data - the array; the caller must hold no other reference to its buffer
   */
  give(data: unknown): void {
    if (!(data instanceof Float32Array) || data.length < MIN_POOLED) return
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return
    if (!(data.buffer instanceof ArrayBuffer) || this.bytes + data.byteLength > MAX_POOL_BYTES) return
    let stack = this.free.get(data.length)
    if (stack === undefined) {
      stack = []
      this.free.set(data.length, stack)
    }
    stack.push(data)
    this.bytes += data.byteLength
  }
}
