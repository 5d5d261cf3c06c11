/**
 * WebGPU in Node through Dawn (the `webgpu` npm package, an optional peer dependency).
 *
 * Two adapters are tried, in order, and the first that answers is installed as
 * `globalThis.navigator.gpu` (where gpu.js looks for it):
 *
 * 1. Dawn's default backend (Vulkan, Metal or D3D12): a real GPU.
 * 2. Dawn's OpenGL backend at `featureLevel: 'compatibility'`, which on a machine without a
 *    GPU runs on Mesa's llvmpipe (a CPU OpenGL driver; Debian `libegl1 libegl-mesa0
 *    libgl1-mesa-dri`). EGL needs `EGL_PLATFORM=surfaceless` there, set before Dawn loads.
 *
 * When neither answers the set-up throws `BackendUnavailableError` with what was tried and why
 * each failed; it never falls back silently to something else.
 */
import { BackendUnavailableError } from '../errors'

/** What `setupNodeWebGpu` found. */
export interface NodeWebGpu {
  /** `'default'` (Dawn's native backend, a real GPU) or `'opengl'` (Dawn on OpenGL, e.g. llvmpipe). */
  readonly dawnBackend: 'default' | 'opengl'
  /** The adapter in words: device and driver description, e.g. `llvmpipe (OpenGL 4.5 Mesa 22.3.6)`. */
  readonly adapter: string
  /** True for a CPU implementation (llvmpipe, SwiftShader, a fallback adapter). */
  readonly software: boolean
  /** The adapter-request options that every `navigator.gpu.requestAdapter` call gets. */
  readonly requestOptions: Readonly<Record<string, unknown>>
}

/** The parts of a WebGPU adapter the set-up reads. */
interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string }
  readonly isFallbackAdapter?: boolean
}

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>
  readonly wgslLanguageFeatures?: unknown
}

interface WebGpuModule {
  create(flags: string[]): GpuLike
  globals: Record<string, unknown>
}

let pending: Promise<NodeWebGpu> | undefined

/** `device (description)` from the adapter's info, without empty parts. */
export function describeAdapter(adapter: AdapterLike): string {
  const info = adapter.info ?? {}
  const name = [info.vendor, info.architecture, info.device].filter((s) => s !== undefined && s !== '')
  const head = name.length > 0 ? name.join(' ') : 'unnamed adapter'
  return info.description !== undefined && info.description !== '' ? `${head} (${info.description})` : head
}

/** True for adapters that run on the CPU (llvmpipe, lavapipe, SwiftShader, Dawn's fallback). */
export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  if (adapter.isFallbackAdapter === true) return true
  return /llvmpipe|lavapipe|swiftshader|software/i.test(describeAdapter(adapter))
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function tryAdapter(
  gpu: GpuLike,
  options: Record<string, unknown>,
): Promise<{ adapter: AdapterLike | null; error?: string }> {
  try {
    return { adapter: await gpu.requestAdapter(options) }
  } catch (error) {
    return { adapter: null, error: message(error) }
  }
}

function install(module: WebGpuModule, gpu: GpuLike, requestOptions: Record<string, unknown>): void {
  const scope = globalThis as Record<string, unknown>
  for (const [name, value] of Object.entries(module.globals)) if (!(name in scope)) scope[name] = value
  const shim = {
    // gpu.js asks with no options; the chosen backend's options (featureLevel) must still apply
    requestAdapter: (options: Record<string, unknown> = {}) =>
      gpu.requestAdapter({ ...requestOptions, ...options }),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: gpu.wgslLanguageFeatures,
  }
  const existing = scope.navigator as Record<string, unknown> | undefined
  if (existing === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: shim },
      configurable: true,
      writable: true,
    })
  } else {
    Object.defineProperty(existing, 'gpu', { value: shim, configurable: true, writable: true })
  }
}

async function setup(): Promise<NodeWebGpu> {
  // EGL reads EGL_PLATFORM when Dawn's OpenGL backend first opens a display; without a window
  // system that must be 'surfaceless'. A value the user set is kept.
  if (typeof process !== 'undefined' && process.env.EGL_PLATFORM === undefined) {
    process.env.EGL_PLATFORM = 'surfaceless'
  }
  let module: WebGpuModule
  try {
    const specifier = 'webgpu'
    module = (await import(/* @vite-ignore */ specifier)) as WebGpuModule
  } catch (error) {
    throw new BackendUnavailableError(
      'gpu:webgpu',
      `the optional peer dependency 'webgpu' (Dawn for Node, ^0.6) could not be loaded: ${message(error)}; install it with npm i webgpu@0.6`,
    )
  }
  const tried: string[] = []
  let native: GpuLike | undefined
  try {
    native = module.create([])
  } catch (error) {
    tried.push(`Dawn's default backend failed to start: ${message(error)}`)
  }
  if (native !== undefined) {
    const { adapter, error } = await tryAdapter(native, {})
    if (adapter !== null) {
      install(module, native, {})
      return {
        dawnBackend: 'default',
        adapter: describeAdapter(adapter),
        software: isSoftwareAdapter(adapter),
        requestOptions: {},
      }
    }
    tried.push(
      `Dawn's default backend (Vulkan/Metal/D3D12) found no adapter${error === undefined ? '' : `: ${error}`}`,
    )
  }
  let gl: GpuLike | undefined
  try {
    gl = module.create(['backend=opengl'])
  } catch (error) {
    tried.push(`Dawn's OpenGL backend failed to start: ${message(error)}`)
  }
  if (gl !== undefined) {
    const requestOptions = { featureLevel: 'compatibility' }
    const { adapter, error } = await tryAdapter(gl, requestOptions)
    if (adapter !== null) {
      install(module, gl, requestOptions)
      return {
        dawnBackend: 'opengl',
        adapter: describeAdapter(adapter),
        software: isSoftwareAdapter(adapter),
        requestOptions,
      }
    }
    tried.push(
      `Dawn's OpenGL backend (featureLevel 'compatibility', EGL_PLATFORM=${process.env.EGL_PLATFORM ?? ''}) found no adapter${error === undefined ? '' : `: ${error}`}; without a GPU it needs Mesa's EGL and llvmpipe (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri)`,
    )
  }
  throw new BackendUnavailableError('gpu:webgpu', `no WebGPU adapter in Node. Tried: ${tried.join('; ')}`)
}

/**
 * Prepares WebGPU in Node and installs it as `globalThis.navigator.gpu`: Dawn's default
 * adapter on a machine with a GPU, else Dawn's OpenGL backend (llvmpipe on a machine without
 * one). Idempotent: later calls return the first call's result. Outside Node (a browser),
 * use the page's own `navigator.gpu` instead; `createGpuBackend` does that by itself.
 *
 * Sets `process.env.EGL_PLATFORM = 'surfaceless'` when it is unset (EGL needs it without a
 * window system; it is read only by EGL).
 *
 * @returns which Dawn backend and adapter answered
 * @throws BackendUnavailableError when `webgpu` is not installed or no adapter answers,
 *   naming each attempt and its failure
 * @example
 * ```ts
 * import { setupNodeWebGpu } from '@gen/core-tensor/gpu'
 * const { adapter, software } = await setupNodeWebGpu()
 * console.log(adapter, software) // e.g. 'llvmpipe-llvm-15-0-6-256-bits- (OpenGL version 4.5 ...)' true
 * ```
 */
export function setupNodeWebGpu(): Promise<NodeWebGpu> {
  pending ??= setup().catch((error: unknown) => {
    pending = undefined
    throw error
  })
  return pending
}
