import { wasmApi } from './api'
import { FunctionBuilder, ValType, assembleModule } from './emit'

/**
 * Whether this engine validates WebAssembly fixed-width SIMD, checked by validating a module
 * whose one function returns `f32x4.splat(0)`. Cached after the first call: an engine's
 * feature set does not change while it runs.
 */
let cached: boolean | undefined

/**
 * True where WebAssembly exists and validates SIMD (Node >= 16.4, Chrome 91, Firefox 89,
 * Safari 16.4).
 *
 * @returns whether the SIMD kernel can run
 * @example
 * ```ts
 * if (!simdSupported()) console.warn('matmul falls back to JavaScript')
 * ```
 */
export function simdSupported(): boolean {
  if (cached === undefined) {
    const f = new FunctionBuilder([], [ValType.v128])
    f.f32Const(0).f32x4Splat()
    const bytes = assembleModule({ module: 'env', field: 'memory', initial: 1 }, [['f', f]])
    cached = wasmApi()?.validate(bytes) === true
  }
  return cached
}
