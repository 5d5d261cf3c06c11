/**
 * Strided addressing on the gpu backend against cpu: 60 views per mode built from random
 * shapes (rank 1-6), permutations, negative-step slices and broadcasts, each pushed through a
 * unary op, a broadcasting binary op, a reduction over random axes and a copy.
 */
import { describe, expect, it } from 'vitest'
import { cpu } from '../../src/backend/cpu'
import type { BackendV1 } from '../../src/backend/spec'
import { BackendUnavailableError } from '../../src/errors'
import { createGpuBackend, type GpuMode } from '../../src/gpu/index'
import * as T from '../../src/index'
import { expectAllClose } from '../../src/testing/index'

const required = process.env.GEN_GPU_REQUIRED === '1'

/** mulberry32: a small deterministic generator for the case choices (not for data). */
function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface ViewPlan {
  shape: number[]
  perm: number[]
  slices: { start: number; step: number }[]
  broadcastAxis: number
}

function plan(rand: () => number): ViewPlan {
  const rank = 1 + Math.floor(rand() * 6)
  const shape = Array.from({ length: rank }, () => 1 + Math.floor(rand() * 5))
  const perm = shape.map((_, i) => i).sort(() => rand() - 0.5)
  const slices = shape.map(() => ({
    start: rand() < 0.3 ? 1 : 0,
    step: rand() < 0.3 ? -1 : rand() < 0.3 ? 2 : 1,
  }))
  return { shape, perm, slices, broadcastAxis: Math.floor(rand() * rank) }
}

/** The planned view of arange data on `backend`: permute, then slice each axis. */
function build(p: ViewPlan, backend: BackendV1): T.Tensor {
  const size = p.shape.reduce((a, b) => a * b, 1)
  const base = T.reshape(T.div(T.arange(size, undefined, 1, { backend }), size), p.shape)
  const permuted = T.permute(base, p.perm)
  return T.slice(
    permuted,
    p.slices.map((s, d) =>
      s.step < 0 ? { step: -1 } : { start: Math.min(s.start, permuted.shape[d] - 1), step: s.step },
    ),
  )
}

function compute(p: ViewPlan, backend: BackendV1, rand: () => number): T.Tensor[] {
  const v = build(p, backend)
  // a broadcast partner: v's shape with one axis collapsed to 1
  const partnerShape = v.shape.map((d, i) => (i === p.broadcastAxis ? 1 : d))
  const partner = T.add(
    T.reshape(
      T.arange(
        partnerShape.reduce((a, b) => a * b, 1),
        undefined,
        1,
        { backend },
      ),
      partnerShape,
    ),
    1,
  )
  const axes = v.shape.map((_, i) => i).filter(() => rand() < 0.5)
  return [
    T.exp(v),
    T.mul(v, partner),
    T.sum(v, { axis: axes.length > 0 ? axes : undefined }),
    T.max(T.add(v, partner), { axis: v.rank - 1 }),
    T.contiguous(T.expand(T.unsqueeze(v, 0), [2, ...v.shape])),
  ]
}

for (const mode of ['webasm', 'webgpu'] as GpuMode[]) {
  describe(`gpu:${mode} strided views against cpu`, () => {
    it(
      '60 random views through unary, broadcast binary, reductions and copies',
      { timeout: 120_000 },
      async ({ skip }) => {
        let backend
        try {
          backend = await createGpuBackend({ mode })
        } catch (error) {
          if (!(error instanceof BackendUnavailableError)) throw error
          if (required) throw new Error(`gpu:${mode} must be available (GEN_GPU_REQUIRED=1): ${error.reason}`)
          skip(`gpu:${mode} unavailable: ${error.reason}`)
          return
        }
        for (let c = 0; c < 60; c++) {
          const p = plan(generator(c))
          const want = T.tidy(() => compute(p, cpu, generator(1000 + c)))
          const got = T.tidy(() => compute(p, backend, generator(1000 + c)))
          for (let k = 0; k < want.length; k++) {
            expect(got[k].shape).toEqual(want[k].shape)
            expectAllClose(await got[k].data(), want[k].dataSync(), { rtol: 1e-5, atol: 1e-6 })
          }
          T.dispose([want, got])
        }
        expect(T.memoryStats(backend).tensors).toBe(0)
        backend.destroy()
      },
    )
  })
}
