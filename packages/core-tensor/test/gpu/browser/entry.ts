/**
 * The page side of the browser run (bundled by browser.test.ts with esbuild): the
 * conformance cases and a short MLP run on one gpu.js mode, in the page's own WebGPU, WebGL2
 * or WebAssembly, returned as plain data through `globalThis.genGpu.runMode`.
 */
import * as gpuJs from 'gpu.js'
import { BackendUnavailableError } from '../../../src/errors'
import { createGpuBackend, type GpuBackendInfo, type GpuMode } from '../../../src/gpu/index'
import { memoryStats } from '../../../src/memory'
import { gradientCases, runGradientCase, valueCases } from '../../../src/testing/cases'
import { tolerancesFor } from '../../../src/testing/tolerance'
import { type MlpData, type MlpResult, trainMlp } from './mlp-steps'

/** One case's outcome. */
export interface CaseResult {
  readonly name: string
  readonly kind: 'value' | 'gradient'
  readonly status: 'passed' | 'failed' | 'skipped'
  readonly message?: string
}

/** One mode's outcome: unavailable with gpu.js's reason, or every case and the MLP run. */
export interface ModeResult {
  readonly mode: GpuMode
  readonly reason?: string
  readonly info?: GpuBackendInfo
  readonly strictNumerics?: boolean
  readonly cases: CaseResult[]
  readonly mlp?: MlpResult
  readonly cnn?: MlpResult
  /** Why the MLP run failed, if it did. */
  readonly mlpError?: string
  readonly cnnError?: string
  /** Live tensors, bytes and buffers on the backend before the MLP run and after it. */
  readonly memory?: { before: number[]; after: number[] }
  readonly ms: number
}

const message = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error)

async function runMode(mode: GpuMode, data: MlpData): Promise<ModeResult> {
  const start = performance.now()
  let backend
  try {
    backend = await createGpuBackend({ mode, gpuJs })
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error
    return { mode, reason: error.reason, cases: [], ms: performance.now() - start }
  }
  const ctx = { backend, tolerance: tolerancesFor(backend) }
  const cases: CaseResult[] = []
  for (const c of valueCases) {
    if (c.strict === true && !backend.strictNumerics) {
      cases.push({
        name: c.name,
        kind: 'value',
        status: 'skipped',
        message: 'needs strict IEEE NaN/Inf semantics',
      })
      continue
    }
    try {
      await c.run(ctx)
      cases.push({ name: c.name, kind: 'value', status: 'passed' })
    } catch (error) {
      cases.push({ name: c.name, kind: 'value', status: 'failed', message: message(error) })
    }
  }
  for (const [index, c] of gradientCases.entries()) {
    try {
      await runGradientCase(c, index, ctx)
      cases.push({ name: c.name, kind: 'gradient', status: 'passed' })
    } catch (error) {
      cases.push({ name: c.name, kind: 'gradient', status: 'failed', message: message(error) })
    }
  }
  const stats = () => {
    const m = memoryStats(backend)
    return [m.tensors, m.bytes, m.buffers]
  }
  const before = stats()
  let mlp: MlpResult | undefined
  let mlpError: string | undefined
  try {
    mlp = await trainMlp(backend, data)
  } catch (error) {
    mlpError = message(error)
  }
  let cnn: MlpResult | undefined
  let cnnError: string | undefined
  try {
    cnn = await trainMlp(backend, data, 'cnn')
  } catch (error) {
    cnnError = message(error)
  }
  const after = stats()
  const result = {
    mode,
    info: backend.info,
    strictNumerics: backend.strictNumerics,
    cases,
    mlp,
    mlpError,
    cnn,
    cnnError,
    memory: { before, after },
    ms: performance.now() - start,
  }
  backend.destroy()
  return result
}

;(globalThis as { genGpu?: unknown }).genGpu = { runMode }
