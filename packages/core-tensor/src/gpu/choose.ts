/**
 * `chooseBackend`: the gpu backend where a mode runs on a hardware adapter, else the cpu
 * backend, with the reason in words.
 */
import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { BackendUnavailableError } from '../errors'
import { preferCpu } from './auto'
import { type GpuBackend, createGpuBackend } from './backend'

/** What `chooseBackend` picked. */
export interface BackendChoice {
  /** The backend to run on: the gpu backend, or `cpu`. */
  readonly backend: BackendV1
  /** The gpu backend when it was chosen, else null (a software-only one is destroyed). */
  readonly gpu: GpuBackend | null
  /** Why, in words: the mode and adapter, or what made the cpu backend the better choice. */
  readonly reason: string
}

/**
 * Picks the faster backend for this machine: `createGpuBackend({ mode: 'auto' })` when it
 * finds a hardware adapter (webgpu, then webgl2), else the cpu backend, because every gpu.js
 * mode that runs on the CPU (webasm, llvmpipe, SwiftShader) is slower than it (the rule and
 * the measurements are in `auto.ts`).
 *
 * @param options - `gpuJs`: the gpu.js module, for bundled pages (see `createGpuBackend`)
 * @returns the backend, the gpu backend if chosen, and the reason
 * @example
 * ```ts
 * import { chooseBackend } from '@gen/core-tensor/gpu'
 * const { backend, reason } = await chooseBackend()
 * console.log(backend.name, reason) // 'cpu', 'only software gpu.js modes here: ...'
 * ```
 */
export async function chooseBackend(options: { readonly gpuJs?: unknown } = {}): Promise<BackendChoice> {
  let gpu: GpuBackend
  try {
    gpu = await createGpuBackend({ mode: 'auto', gpuJs: options.gpuJs })
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error
    return { backend: cpu, gpu: null, reason: `no gpu.js mode runs here (${error.reason}); cpu` }
  }
  const { info } = gpu
  if (preferCpu(info)) {
    gpu.destroy()
    const tried = [...info.passedOver.map((p) => `${p.mode}: ${p.reason}`), `${info.mode}: ${info.adapter}`]
    return {
      backend: cpu,
      gpu: null,
      reason: `only software gpu.js modes here (${tried.join('; ')}); the cpu backend is faster than each`,
    }
  }
  return { backend: gpu, gpu, reason: `gpu:${info.mode} on ${info.adapter}` }
}
