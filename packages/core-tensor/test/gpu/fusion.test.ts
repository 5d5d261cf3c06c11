/**
 * Elementwise fusion on the gpu backend (`src/gpu/fusion.ts`): the compiled kernel's shape
 * (common subexpressions once, views as index maps, scalars as parameters), and on webgpu and
 * on webasm with fusion on: values against the unfused backend, leaves disposed before their
 * readers run, expressions that never run, chains longer than one kernel holds, and a value
 * carried across steps whose kernel does not grow.
 */
import { describe, expect, it } from 'vitest'
import * as T from '../../src/index'
import { compileFused, type Expr, type ExprNode, MAX_FUSED_NODES } from '../../src/gpu/fusion'
import { createGpuBackend, type GpuBackend, type GpuMode } from '../../src/gpu/index'
import { key, uniformFloats } from '../../src/random/index'
import { expectClose, tolerancesFor } from '../../src/testing/index'

const required = process.env.GEN_GPU_REQUIRED === '1'

describe('compileFused', () => {
  const id = { shape: [6], strides: [1], offset: 0 }
  const x: Expr<string> = { kind: 'leaf', leaf: 'x' }
  const zero: Expr<string> = { kind: 'const', value: 0 }

  it('relu = where(0 < x, x, 0): one read of x, the 0 a parameter', () => {
    const less: ExprNode<string> = {
      kind: 'node',
      op: { kind: 'binary', op: 'cmplt' },
      args: [
        { layout: id, target: zero },
        { layout: id, target: x },
      ],
      nodes: 1,
      leafEdges: 1,
    }
    const relu = compileFused<string>({
      kind: 'node',
      op: { kind: 'where' },
      args: [
        { layout: id, target: less },
        { layout: id, target: x },
        { layout: id, target: zero },
      ],
      nodes: 2,
      leafEdges: 2,
    })
    expect(relu.inputs).toEqual(['x'])
    expect(relu.key).toBe('fused:where(icmplt(C,iL0),i@e3,C)')
    expect(relu.source.match(/in0\[/g)).toHaveLength(1)
    expect(Array.from(relu.params)).toEqual([0, 0])
  })

  it('each node keeps its own temporaries (tanh of tanh)', () => {
    const inner: ExprNode<string> = {
      kind: 'node',
      op: { kind: 'unary', op: 'tanh' },
      args: [{ layout: id, target: x }],
      nodes: 1,
      leafEdges: 1,
    }
    const outer = compileFused<string>({
      kind: 'node',
      op: { kind: 'unary', op: 'tanh' },
      args: [{ layout: id, target: inner }],
      nodes: 2,
      leafEdges: 1,
    })
    expect(outer.key).toBe('fused:tanh(itanh(iL0))')
    expect(outer.source).toContain('const e0_av = Math.abs(e1)')
    expect(outer.source).toContain('const e1_av = Math.abs(e2)')
  })

  it('a transposed argument reads through its view; a broadcast one through a stride 0', () => {
    const transposed = { shape: [2, 3], strides: [1, 2], offset: 0 }
    const broadcast = { shape: [6], strides: [0], offset: 4 }
    const sum = compileFused<string>({
      kind: 'node',
      op: { kind: 'binary', op: 'add' },
      args: [
        { layout: transposed, target: x },
        { layout: broadcast, target: { kind: 'leaf', leaf: 'b' } },
      ],
      nodes: 1,
      leafEdges: 2,
    })
    expect(sum.key).toBe('fused:add(gL0,fL1)')
    expect(sum.inputs).toEqual(['x', 'b'])
    // the broadcast view packs as (offset 4, stride 0) after the general one's 17 floats
    expect(Array.from(sum.params.slice(17, 19))).toEqual([4, 0])
  })
})

const modes: { mode: GpuMode; label: string }[] = [
  { mode: 'webgpu', label: 'gpu:webgpu' },
  { mode: 'webasm', label: 'gpu:webasm+fusion' },
]

for (const { mode, label } of modes) {
  describe(`${label}: fused elementwise chains`, () => {
    const state: { on?: GpuBackend; off?: GpuBackend; reason?: string } = {}
    const backends = async (skip: (note: string) => never) => {
      if (state.on === undefined && state.reason === undefined) {
        try {
          state.on = await createGpuBackend({ mode, fuseElementwise: true })
          state.off = await createGpuBackend({ mode, fuseElementwise: false })
        } catch (error) {
          if (!(error instanceof T.BackendUnavailableError)) throw error
          state.reason = error.reason
        }
      }
      if (state.on === undefined || state.off === undefined) {
        if (required) throw new Error(`${label} must be available (GEN_GPU_REQUIRED=1): ${state.reason}`)
        skip(`${label} unavailable: ${state.reason}`)
      }
      return { on: state.on, off: state.off }
    }
    /** The number of kernels the backend has compiled (its private cache). */
    const compiled = (b: GpuBackend) => (b as unknown as { kernels: Map<string, unknown> }).kernels.size

    it('a chain through transposes and broadcasts gives the unfused values', async ({ skip }) => {
      const { on, off } = await backends(skip)
      const v = uniformFloats(key(1), 4 * 6, 'float64').map((u) => 4 * u - 2)
      const w = uniformFloats(key(2), 6, 'float64').map((u) => u + 0.5)
      const f = (b: T.BackendV1) =>
        T.tidy(() => {
          const x = T.fromArray(v, { shape: [4, 6], backend: b })
          const bias = T.fromArray(w, { shape: [6], backend: b })
          const h = T.sigmoid(T.add(T.mul(x, 1.5), bias)) // [4, 6], bias broadcast
          const t = T.transpose(T.exp(T.neg(h))) // [6, 4], a strided view of a pending value
          return T.where(T.greater(t, 0.5), T.sqrt(t), T.square(T.sub(t, 1)))
        })
      await expectClose(await f(on).data(), await f(off).data(), tolerancesFor(on))
    })

    it('a leaf disposed before its reader runs stays until then; memory returns to where it was', async ({
      skip,
    }) => {
      const { on } = await backends(skip)
      const before = T.memoryStats(on)
      const x = T.fromArray([1, 2, 3, 4], { backend: on })
      const y = T.tidy(() => T.mul(T.exp(x), 2)) // pending, reads x
      x.dispose()
      await expectClose(
        await y.data(),
        [1, 2, 3, 4].map((v) => Math.exp(v) * 2),
        tolerancesFor(on),
      )
      y.dispose()
      // an expression that is never needed: disposed before anything runs it
      const z = T.fromArray([5, 6], { backend: on })
      T.tidy(() => T.neg(T.add(z, 1))).dispose()
      z.dispose()
      const after = T.memoryStats(on)
      expect([after.tensors, after.bytes]).toEqual([before.tensors, before.bytes])
    })

    it(`a chain longer than one kernel (${MAX_FUSED_NODES} ops) is split, with the same values`, async ({
      skip,
    }) => {
      const { on, off } = await backends(skip)
      const run = (b: T.BackendV1) =>
        T.tidy(() => {
          let y = T.fromArray([0.1, 0.2, 0.3], { backend: b })
          for (let k = 0; k < 3 * MAX_FUSED_NODES; k++) y = k % 2 === 0 ? T.add(y, 0.01) : T.mul(y, 0.99)
          // and one that reads many distinct leaves
          const leaves = Array.from({ length: 9 }, (_, j) => T.fromArray([j, j + 1, j + 2], { backend: b }))
          return leaves.reduce((acc, leaf) => T.add(acc, leaf), y)
        })
      await expectClose(await run(on).data(), await run(off).data(), tolerancesFor(on))
    })

    it('a value carried from step to step runs the same kernels every step', async ({ skip }) => {
      const { on } = await backends(skip)
      let p = T.fromArray(new Float32Array(32).fill(1), { backend: on })
      const step = async () => {
        const next = T.tidy(() => T.sub(p, T.mul(T.sin(p), 0.1)))
        p.dispose()
        p = next
        await Promise.resolve() // the step yields, as an awaited training loop does
      }
      for (let s = 0; s < 3; s++) await step()
      const kernels = compiled(on)
      for (let s = 0; s < 10; s++) await step()
      expect(compiled(on)).toBe(kernels)
      let want = Math.fround(1)
      for (let s = 0; s < 13; s++)
        want = Math.fround(want - Math.fround(Math.fround(Math.sin(want)) * Math.fround(0.1)))
      await expectClose(await p.data(), new Array(32).fill(want), tolerancesFor(on))
      p.dispose()
    })
  })
}
