/**
 * The core-tensor conformance suite on the gpu.js backend, in Node: webasm, and webgpu on
 * Dawn (llvmpipe where there is no GPU). A mode that cannot start is reported skipped with its
 * reason; with GEN_GPU_REQUIRED=1 (CI) an unavailable mode fails instead.
 */
import { describe, expect, it, vi } from 'vitest'
import * as T from '../../src/index'
import { createGpuBackend, type GpuMode } from '../../src/gpu/index'
import { describeBackend, expectClose, tolerancesFor, valueCases } from '../../src/testing/index'
import { adamw } from '../../src/optim/adam'
import { applyUpdates } from '../../src/optim/optimizer'
import { key, uniformFloats } from '../../src/random/index'

const required = process.env.GEN_GPU_REQUIRED === '1'

// each mode with its default (elementwise chains fused; on webasm, IEEE float32, so the NaN/Inf
// cases check the fused kernels too), and webasm without fusion: one kernel per op
const configs: { mode: GpuMode; fuseElementwise?: boolean; label: string }[] = [
  { mode: 'webasm', label: 'gpu:webasm' },
  { mode: 'webgpu', label: 'gpu:webgpu' },
  { mode: 'webasm', fuseElementwise: false, label: 'gpu:webasm-unfused' },
]

for (const { mode, fuseElementwise, label } of configs) {
  describeBackend(label, () => createGpuBackend({ mode, fuseElementwise }))

  describe(`${label} specifics`, () => {
    const state: { backend?: T.BackendV1; reason?: string } = {}
    const backend = async (skip: (note: string) => never) => {
      if (state.backend === undefined && state.reason === undefined) {
        try {
          state.backend = await createGpuBackend({ mode, fuseElementwise })
        } catch (error) {
          if (!(error instanceof T.BackendUnavailableError)) throw error
          state.reason = error.reason
        }
      }
      if (state.backend === undefined) {
        if (required) throw new Error(`gpu:${mode} must be available (GEN_GPU_REQUIRED=1): ${state.reason}`)
        skip(`gpu:${mode} unavailable: ${state.reason}`)
      }
      return state.backend
    }

    it('reports the mode that ran, its adapter and float32 precision', async ({ skip }) => {
      const b = (await backend(skip)) as Awaited<ReturnType<typeof createGpuBackend>>
      expect(b.info.mode).toBe(mode)
      expect(b.info.requested).toBe(mode)
      expect(b.info.fusesElementwise).toBe(fuseElementwise ?? true)
      expect(b.info.floatPrecision).toBe(32)
      expect(b.info.adapter.length).toBeGreaterThan(0)
      expect(b.info.fallbacks).toEqual([])
      expect(typeof b.readSync).toBe('undefined')
    })

    // WGSL lets an implementation assume no NaN or Inf, so webgpu reports strictNumerics false
    // and describeBackend skips the NaN/Inf cases; they are run here on the adapter at hand
    for (const c of valueCases.filter((v) => v.strict === true)) {
      it(`${c.name} (NaN/Inf semantics of this adapter)`, async ({ skip }) => {
        const b = await backend(skip)
        await c.run({ backend: b, tolerance: tolerancesFor(b) })
      })
    }

    it('sums 0..9999 in float32 to 49995000 (a tree, not a running sum)', async ({ skip }) => {
      const b = await backend(skip)
      const total = (await T.sum(T.arange(10000, undefined, 1, { backend: b })).data())[0]
      expect(Math.abs(total - 49995000) / 49995000).toBeLessThanOrEqual(1e-6)
      // a strided, permuted reduction over two axes of a 3-D view
      const x = T.permute(
        T.reshape(T.arange(2 * 300 * 5, undefined, 1, { backend: b }), [2, 300, 5]),
        [2, 1, 0],
      )
      const got = await T.sum(x, { axis: [1, 2] }).data()
      const want = [0, 1, 2, 3, 4].map((k) => {
        let s = 0
        for (let i = 0; i < 2; i++) for (let j = 0; j < 300; j++) s += i * 1500 + j * 5 + k
        return s
      })
      expect(Array.from(got)).toEqual(want)
    })

    it('counts device bytes: bool and int32 are stored as float32, 4 bytes an element', async ({ skip }) => {
      const b = await backend(skip)
      const before = T.memoryStats(b).bytes
      const flags = T.fromArray([true, false, true, true, false, true, false], { dtype: 'bool', backend: b })
      expect(T.memoryStats(b).bytes - before).toBe(7 * 4)
      const ids = T.fromArray([1, 2, 3], { dtype: 'int32', backend: b })
      const x = T.fromArray([0.5, 1.5, 2.5, 3.5, 4.5], { backend: b })
      expect(T.memoryStats(b).bytes - before).toBe((7 + 3 + 5) * 4)
      // a comparison writes a bool buffer on the device: 4 bytes an element, not 1
      // (in a scope, which frees the scalar 2's own buffer)
      const less = T.tidy(() => T.less(x, 2))
      expect(less.dtype).toBe('bool')
      expect(T.memoryStats(b).bytes - before).toBe((7 + 3 + 5 + 5) * 4)
      expect(Array.from(await less.data())).toEqual([1, 1, 0, 0, 0])
      T.dispose([flags, ids, x, less])
      expect(T.memoryStats(b).bytes).toBe(before)
      // the cpu backend keeps bool in a Uint8Array: 1 byte an element
      const cpuBefore = T.memoryStats(T.cpu).bytes
      const onCpu = T.fromArray([true, false, true], { dtype: 'bool', backend: T.cpu })
      expect(T.memoryStats(T.cpu).bytes - cpuBefore).toBe(3)
      onCpu.dispose()
    })

    it('an AdamW step (fused where the backend offers it, one call per leaf) ends where cpu does', async ({
      skip,
    }) => {
      const b = await backend(skip)
      // webasm with elementwise fusion composes Adam instead (see the backend's constructor)
      const offered = b.fused?.adamUpdate !== undefined
      expect(offered).toBe(!(mode === 'webasm' && (fuseElementwise ?? true)))
      const spy = offered ? vi.spyOn(b.fused, 'adamUpdate') : undefined
      // 5 steps on w [40, 30] (its gradient a transposed view) and b [30]; gradient scales 1e-3..10
      const run = async (on: T.BackendV1) => {
        const draw = (seed: number, shape: number[], scale: number) =>
          T.fromArray(
            uniformFloats(key(seed), shape[0] * (shape[1] ?? 1)).map((u) => scale * (2 * u - 1)),
            { shape, backend: on },
          )
        const optimizer = adamw({ learningRate: 0.01, weightDecay: 0.1 })
        let params = { w: draw(1, [40, 30], 1), b: draw(2, [30], 1) }
        let state = optimizer.init(params)
        for (let t = 0; t < 5; t++) {
          const next = T.tidy(() => {
            const grads = { w: T.transpose(draw(10 + t, [30, 40], 10 ** (t - 3))), b: draw(20 + t, [30], 1) }
            const step = optimizer.update(grads, state, params)
            return { params: applyUpdates(params, step.updates) as typeof params, state: step.state }
          })
          T.dispose([params, state])
          params = next.params
          state = next.state
        }
        const out = await Promise.all([params.w, params.b].map((x) => x.data()))
        T.dispose([params, state])
        return out
      }
      const before = T.memoryStats(b)
      const got = await run(b)
      if (spy !== undefined) {
        expect(spy).toHaveBeenCalledTimes(2 * 5)
        spy.mockRestore()
      }
      expect(T.memoryStats(b).bytes).toBe(before.bytes)
      const want = await run(T.cpu)
      for (let i = 0; i < 2; i++) {
        // webasm computes in IEEE float32 op by op, as the cpu backend's fused step does
        if (mode === 'webasm') expect(Array.from(got[i])).toEqual(Array.from(want[i]))
        else await expectClose(got[i], want[i], tolerancesFor(b))
      }
    })

    it('frees device buffers on dispose: a 20-step loop leaves memory where it was', async ({ skip }) => {
      const b = await backend(skip)
      const before = T.memoryStats(b)
      let w = T.fromArray(new Float32Array(64).fill(0.5), { shape: [8, 8], backend: b })
      for (let step = 0; step < 20; step++) {
        const next = T.tidy(() => T.sub(w, T.mul(T.matmul(w, T.transpose(w)), 0.01)))
        w.dispose()
        w = next
      }
      const value = await w.data()
      w.dispose()
      // w ← w − 0.01·w·wᵀ with every entry equal: e ← e − 0.01·8·e²
      let e = 0.5
      for (let step = 0; step < 20; step++) e = e - 0.01 * 8 * e * e
      expect(Math.abs(value[0] - e)).toBeLessThan(1e-5)
      const after = T.memoryStats(b)
      expect([after.tensors, after.bytes, after.buffers]).toEqual([
        before.tensors,
        before.bytes,
        before.buffers,
      ])
    })
  })
}
