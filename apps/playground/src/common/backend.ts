/**
 * The backend a page computes on, chosen from the URL (`?backend=webgpu|webgl2|webasm|cpu`,
 * default `auto`) so that a reload, a link or a test can pin it.
 *
 * The playground's `auto` differs from core-tensor's on purpose: `createGpuBackend({ mode:
 * 'auto' })` and `chooseBackend()` prefer webasm, then the cpu backend, when every adapter is a
 * software one (they are slower there), but the playground exists to show the GPU paths, so it
 * takes the first mode that starts in the order webgpu, webgl2, webasm, and says when that mode
 * runs on a software adapter (`software` and the label).
 */
import { cpu, type BackendV1 } from '@gen/core-tensor'
import { createGpuBackend, type GpuBackend, type GpuMode } from '@gen/core-tensor/gpu'
// gpu.js's own `import('gpu.js')` cannot resolve a bare specifier in a bundled page, so the
// module is imported here (its package.json `browser` field gives Vite the browser build)
import * as gpuJs from 'gpu.js'

/** A backend the page can run on. */
export type BackendName = GpuMode | 'cpu'

/** What the user can pick: a backend, or `auto`. */
export type BackendRequest = BackendName | 'auto'

/** Every choice of the selector, in order. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'webgl2', 'webasm', 'cpu']

/** The order `auto` tries the gpu.js modes in. */
const AUTO_ORDER: readonly GpuMode[] = ['webgpu', 'webgl2', 'webasm']

/** The backend a page got, with what to tell the user. */
export interface ActiveBackend {
  readonly name: BackendName
  readonly requested: BackendRequest
  readonly backend: BackendV1
  /** The gpu backend, or null on cpu. */
  readonly gpu: GpuBackend | null
  /** The adapter in words (`'cpu backend (float32, WebAssembly SIMD)'` on cpu). */
  readonly adapter: string
  /** True when the chosen mode runs on the CPU (SwiftShader, llvmpipe, webasm). */
  readonly software: boolean
  /** Modes tried before this one and why each did not start. */
  readonly notes: readonly string[]
}

/** The request in the page URL's `backend` parameter (`auto` when absent or unknown). */
export function requestedBackend(search: string = location.search): BackendRequest {
  const value = new URLSearchParams(search).get('backend')
  return BACKEND_REQUESTS.find((r) => r === value) ?? 'auto'
}

const reasonOf = (error: unknown): string => {
  if (typeof error === 'object' && error !== null && 'reason' in error) {
    return String(error.reason)
  }
  return error instanceof Error ? error.message : String(error)
}

/**
 * Starts the requested backend. A requested gpu.js mode that cannot start falls back to the
 * cpu backend (never to another GPU mode, so a page never claims a mode it is not running),
 * with the reason in `notes`.
 *
 * @param requested - a backend name or `auto`
 * @returns the started backend and its description
 */
export async function startBackend(requested: BackendRequest): Promise<ActiveBackend> {
  const order = requested === 'auto' ? AUTO_ORDER : requested === 'cpu' ? [] : [requested]
  const notes: string[] = []
  for (const mode of order) {
    try {
      const gpu = await createGpuBackend({ mode, gpuJs })
      return {
        name: mode,
        requested,
        backend: gpu,
        gpu,
        adapter: gpu.info.adapter,
        software: gpu.info.software,
        notes,
      }
    } catch (error) {
      notes.push(`${mode}: ${reasonOf(error)}`)
    }
  }
  return {
    name: 'cpu',
    requested,
    backend: cpu,
    gpu: null,
    adapter: 'cpu backend (float32, WebAssembly SIMD where available)',
    software: true,
    notes,
  }
}
