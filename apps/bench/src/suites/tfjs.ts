import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import type * as TfCore from '@tensorflow/tfjs-core'

/** The tfjs-core module type. */
export type Tf = typeof TfCore

let loading: Promise<Tf> | undefined

/**
 * Loads tfjs once per process, registering its cpu and wasm backends (wasm: XNNPACK, SIMD,
 * one thread), then switches to `backend`.
 *
 * @param backend - which tfjs backend the caller measures
 * @returns tfjs-core with that backend active
 * @example
 * ```ts
 * const tf = await loadTfjs('wasm')
 * ```
 */
export async function loadTfjs(backend: 'wasm' | 'cpu'): Promise<Tf> {
  loading ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core')
    await import('@tensorflow/tfjs-backend-cpu')
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')
    wasm.setWasmPaths(`${dirname(packageJson)}/dist/`)
    wasm.setThreadsCount(1)
    return tf
  })()
  const tf = await loading
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not start`)
  return tf
}
