/**
 * The slice of the WebAssembly JavaScript API the kernels use, typed here because the package
 * compiles against lib ES2023 without DOM (whose typings declare `WebAssembly`). Reading it
 * from `globalThis` also lets `simdSupported()` answer false on an engine without WebAssembly
 * instead of throwing.
 */

/** A compiled module (opaque here). */
export interface WasmModule {
  readonly __wasmModule?: never
}

/** A linear memory: its current buffer, and `grow(pages)` by 64 KiB pages. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

/** An instance; `exports` maps names to functions and memories. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>
}

/** The constructors and `validate` of the global `WebAssembly` object. */
export interface WasmApi {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => WasmModule
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory
  validate(bytes: Uint8Array<ArrayBuffer>): boolean
}

/**
 * The engine's `WebAssembly` object, or undefined where there is none.
 *
 * @returns the API, typed to what the kernels use
 * @example
 * ```ts
 * const api = wasmApi(); if (api) new api.Module(bytes)
 * ```
 */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly
}
