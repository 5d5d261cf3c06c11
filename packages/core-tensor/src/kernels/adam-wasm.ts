/**
 * The JavaScript side of the WebAssembly SIMD Adam step (`wasm/adam-module.ts`): copies m, v,
 * g (and p) into the kernel's memory, padded to a multiple of four, runs the kernel, and
 * copies the new moments and the update out.
 */
import { adamModuleBytes } from './wasm/adam-module'
import { wasmApi, type WasmMemory, type WasmModule } from './wasm/api'
import { UnsupportedOpError } from '../errors'

const PAGE = 65536

type KernelFn = (...args: number[]) => void

/** Constants of one step, as `FusedKernels.adamUpdate` receives them. */
export interface AdamKernelConstants {
  beta1: number
  beta2: number
  correction1: number
  correction2: number
  epsilon: number
  rate: number
  weightDecay: number
}

/** Compiled module shared by every instance (immutable), as in `matmul-wasm.ts`. */
let compiled: WasmModule | undefined

function kernelModule(): WasmModule {
  if (compiled === undefined) {
    const api = wasmApi()
    if (api === undefined) throw new UnsupportedOpError('adam', 'float32', 'wasm-simd (no WebAssembly here)')
    compiled = new api.Module(adamModuleBytes())
  }
  return compiled
}

/**
 * One instance of the Adam kernel with its own growable memory; not safe to share between
 * concurrent callers.
 *
 * @example
 * ```ts
 * const out = new WasmAdam().run({ m, v, g }, constants, (n) => new Float32Array(n))
 * ```
 */
export class WasmAdam {
  private readonly memory: WasmMemory
  private readonly adam: KernelFn

  constructor() {
    const api = wasmApi()!
    this.memory = new api.Memory({ initial: 1, maximum: 65536 })
    const instance = new api.Instance(kernelModule(), { env: { memory: this.memory } })
    this.adam = (instance.exports as { adam: KernelFn }).adam
  }

  /**
   * One Adam step over float32 arrays of one length.
   *
   * @param arrays - moments, gradient, and the parameter when `weightDecay > 0`
   * @param k - the step's constants
   * @param alloc - makes each output array of a given length (overwritten)
   * @returns the new moments and the update
   */
  run(
    arrays: { m: Float32Array; v: Float32Array; g: Float32Array; p?: Float32Array },
    k: AdamKernelConstants,
    alloc: (size: number) => Float32Array,
  ): { m: Float32Array; v: Float32Array; update: Float32Array } {
    const n = arrays.g.length
    const padded = Math.ceil(n / 4) * 4
    const decay = k.weightDecay > 0 && arrays.p !== undefined
    // floats: constants | m | v | g | p | m' | v' | u
    const at = (slot: number): number => 16 + slot * padded
    const end = at(7)
    const have = this.memory.buffer.byteLength
    if (4 * end > have) this.memory.grow(Math.ceil((4 * end - have) / PAGE))
    const heap = new Float32Array(this.memory.buffer)
    heap.set([
      k.beta1,
      1 - k.beta1,
      k.beta2,
      1 - k.beta2,
      k.correction1,
      k.correction2,
      k.epsilon,
      -k.rate,
      k.weightDecay,
    ])
    heap.set(arrays.m, at(0))
    heap.set(arrays.v, at(1))
    heap.set(arrays.g, at(2))
    if (decay) heap.set(arrays.p!, at(3))
    // lanes past n read zeros (never NaN-producing traps; their results are dropped)
    if (padded > n) for (let s = 0; s < 4; s++) heap.fill(0, at(s) + n, at(s) + padded)
    this.adam(
      4 * at(0),
      4 * at(1),
      4 * at(2),
      4 * at(3),
      4 * at(4),
      4 * at(5),
      4 * at(6),
      4 * padded,
      0,
      decay ? 1 : 0,
    )
    const out = (slot: number): Float32Array => {
      const a = alloc(n)
      a.set(heap.subarray(at(slot), at(slot) + n))
      return a
    }
    return { m: out(4), v: out(5), update: out(6) }
  }
}
