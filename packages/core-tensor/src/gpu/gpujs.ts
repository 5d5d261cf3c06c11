/**
 * The slice of gpu.js 2.24's API this backend uses, typed structurally so that the package's
 * public types do not depend on gpu.js (an optional peer dependency, loaded with `import()`).
 */

/** What a kernel call resolves to: a GPU-resident buffer (webgpu) or a plain array (webasm). */
export type Resident = Float32Array | GpuJsBufferResult

/** gpu.js's `WebGPUBufferResult` (`pipeline: true` output on webgpu). */
export interface GpuJsBufferResult {
  toArray(): Promise<Float32Array>
  delete(): void
}

/** A compiled kernel: a callable with settings methods and the running backend's kernel. */
export interface GpuJsKernel {
  (...args: unknown[]): Resident | Promise<Resident>
  setOutput(output: number[]): GpuJsKernel
  destroy?(): void
  /** The backend kernel that actually runs (after the first call). */
  readonly kernel?: {
    readonly constructor: { readonly name: string }
    readonly fallbackReason?: string | null
  }
}

/** Settings passed to `createKernel`. */
export interface GpuJsKernelSettings {
  output: number[]
  pipeline: boolean
  immutable: boolean
  dynamicOutput: boolean
  dynamicArguments: boolean
  loopMaxIterations: number
  precision: 'single'
  tactic: 'precision'
}

/** A `GPU` instance. */
export interface GpuJsInstance {
  createKernel(source: string, settings: GpuJsKernelSettings): GpuJsKernel
  destroy(): unknown
}

/** The module: the `GPU` class and its static feature checks. */
export interface GpuJsModule {
  GPU: {
    new (settings: { mode: string }): GpuJsInstance
    readonly isWebAssemblySupported?: boolean
    readonly isWebGPUSupported?: boolean
    readonly isWebGL2Supported?: boolean
  }
}

/**
 * Loads gpu.js (CommonJS) through `import()`, or takes the module the caller imported itself
 * (a bundled page), whichever way the loader exposes its exports.
 */
export async function loadGpuJs(given?: unknown): Promise<GpuJsModule> {
  const specifier = 'gpu.js'
  const module = (given ?? (await import(/* @vite-ignore */ specifier))) as Partial<GpuJsModule> & {
    default?: GpuJsModule
  }
  const found = module.GPU !== undefined ? (module as GpuJsModule) : module.default
  if (typeof found?.GPU !== 'function') throw new Error('the module given as gpu.js has no GPU class')
  return found
}

/** True when a kernel result is a GPU-resident buffer (webgpu) rather than host memory. */
export function isBufferResult(value: Resident): value is GpuJsBufferResult {
  return !(value instanceof Float32Array)
}
