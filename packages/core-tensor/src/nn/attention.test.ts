import { describe, expect, it } from 'vitest'
import { cpu } from '../backend/cpu'
import { reference } from '../backend/reference'
import { dispose } from '../memory'
import { fromArray, toBackend } from '../ops/creation'
import { key } from '../random/key'
import { normalFloats } from '../random/distributions'
import { checkGradients } from '../testing/gradcheck'
import { expectAllClose } from '../testing/tolerance'
import type { Tensor } from '../tensor'
import { multiHeadAttention, multiHeadAttentionInit, sinusoidalEmbedding } from './attention'

const randn = (seed: number, shape: number[]) =>
  fromArray(
    normalFloats(
      key(seed),
      shape.reduce((a, b) => a * b, 1),
      'float64',
    ),
    { shape, backend: reference },
  )

/** Plain-loop multi-head attention in float64 (the oracle), optional causal mask. */
function naive(
  p: ReturnType<typeof multiHeadAttentionInit>,
  x: number[][][],
  heads: number,
  causal: boolean,
): number[][][] {
  const lin = (l: { weight: Tensor; bias?: Tensor }, v: number[]) => {
    const w = l.weight.toArray() as number[][]
    const b = l.bias!.toArray() as number[]
    return w.map((row, o) => row.reduce((s, wi, i) => s + wi * v[i], b[o]))
  }
  return x.map((seq) => {
    const q = seq.map((v) => lin(p.query, v))
    const k = seq.map((v) => lin(p.key, v))
    const vv = seq.map((v) => lin(p.value, v))
    const e = q[0].length
    const d = e / heads
    const ctx = seq.map(() => new Array<number>(e).fill(0))
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < seq.length; i++) {
        const s = k.map((kj, j) => {
          if (causal && j > i) return -Infinity
          let dot = 0
          for (let c = h * d; c < (h + 1) * d; c++) dot += q[i][c] * kj[c]
          return dot / Math.sqrt(d)
        })
        const m = Math.max(...s)
        const w = s.map((v) => Math.exp(v - m))
        const z = w.reduce((a, b) => a + b, 0)
        for (let j = 0; j < seq.length; j++)
          for (let c = h * d; c < (h + 1) * d; c++) ctx[i][c] += (w[j] / z) * vv[j][c]
      }
    }
    return ctx.map((c) => lin(p.output, c))
  })
}

describe('multiHeadAttention', () => {
  it.each([false, true])('matches a plain-loop oracle (causal %s)', (causal) => {
    const p = multiHeadAttentionInit(key(0), 8, { backend: reference })
    const x = randn(1, [2, 5, 8])
    const y = multiHeadAttention(p, { query: x }, { numHeads: 2, causal })
    expect(y.shape).toEqual([2, 5, 8])
    expectAllClose(y, naive(p, x.toArray() as number[][][], 2, causal), { rtol: 1e-10, atol: 1e-12 })
    dispose([p, x, y])
  })

  it('on cpu (float32) it matches the float64 reference', () => {
    const p = multiHeadAttentionInit(key(12), 8, { backend: reference })
    const x = randn(13, [2, 6, 8])
    const mask = fromArray([true, true, false, true, true, true], { backend: reference })
    const want = multiHeadAttention(p, { query: x }, { numHeads: 4, causal: true, mask })
    const pc = multiHeadAttentionInit(key(12), 8, { backend: cpu })
    const got = multiHeadAttention(
      pc,
      { query: toBackend(x, cpu) },
      { numHeads: 4, causal: true, mask: toBackend(mask, cpu) },
    )
    expect(got.backend).toBe(cpu)
    expectAllClose(got, want, { rtol: 1e-4, atol: 1e-5 })
  })

  it('causal: changing later tokens leaves earlier outputs unchanged; a bool mask and an additive −∞ mask agree', () => {
    const p = multiHeadAttentionInit(key(2), 4, { backend: reference })
    const a = randn(3, [1, 4, 4])
    const data = Array.from(a.dataSync())
    for (let i = 12; i < 16; i++) data[i] += 5
    const b = fromArray(data, { shape: [1, 4, 4], backend: reference })
    const ya = multiHeadAttention(p, { query: a }, { numHeads: 2, causal: true }).toArray() as number[][][]
    const yb = multiHeadAttention(p, { query: b }, { numHeads: 2, causal: true }).toArray() as number[][][]
    expect(yb[0].slice(0, 3)).toEqual(ya[0].slice(0, 3))
    expect(yb[0][3]).not.toEqual(ya[0][3])
    const keep = [
      [true, false, true, true],
      [true, true, false, false],
      [false, true, true, true],
      [true, true, true, false],
    ]
    const boolMask = fromArray(keep, { backend: reference })
    const addMask = fromArray(
      keep.map((r) => r.map((v) => (v ? 0 : -Infinity))),
      { backend: reference },
    )
    expectAllClose(
      multiHeadAttention(p, { query: a }, { numHeads: 2, mask: boolMask }),
      multiHeadAttention(p, { query: a }, { numHeads: 2, mask: addMask }),
      { rtol: 1e-12, atol: 1e-12 },
    )
  })

  it('a fully masked row attends uniformly instead of giving NaN', () => {
    const p = multiHeadAttentionInit(key(4), 4, { backend: reference })
    const x = randn(5, [1, 3, 4])
    const y = multiHeadAttention(
      p,
      { query: x },
      {
        numHeads: 1,
        mask: fromArray([false, false, false], { backend: reference }),
      },
    )
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true)
  })

  it('gradients w.r.t. the input and all weights match central differences (float64)', () => {
    const p = multiHeadAttentionInit(key(6), 4, { backend: reference })
    const x = randn(7, [1, 3, 4])
    const f = (xi: Tensor, wq: Tensor, wk: Tensor, wv: Tensor, wo: Tensor) =>
      multiHeadAttention(
        {
          query: { ...p.query, weight: wq },
          key: { ...p.key, weight: wk },
          value: { ...p.value, weight: wv },
          output: { ...p.output, weight: wo },
        },
        { query: xi },
        { numHeads: 2, causal: true },
      )
    checkGradients(f, [x, p.query.weight, p.key.weight, p.value.weight, p.output.weight], {
      epsilon: 1e-6,
      tolerance: 1e-6,
    })
  })

  it('cross-attention with other key/value widths and lengths; bad heads and shapes throw', () => {
    const p = multiHeadAttentionInit(key(8), 6, { keyDim: 5, valueDim: 3, backend: reference })
    const q = randn(9, [2, 4, 6])
    const kv = randn(10, [2, 7, 5])
    const v = randn(11, [2, 7, 3])
    expect(multiHeadAttention(p, { query: q, key: kv, value: v }, { numHeads: 3 }).shape).toEqual([2, 4, 6])
    expect(() => multiHeadAttention(p, { query: q, key: kv, value: v }, { numHeads: 4 })).toThrow(
      'multiHeadAttention: numHeads must be an integer >= 1 dividing the width 6, got 4',
    )
    expect(() =>
      multiHeadAttention(p, { query: randn(1, [4, 6]), key: kv, value: v }, { numHeads: 3 }),
    ).toThrow('multiHeadAttention: query must be [batch, length, features], got [4,6]')
  })
})

describe('sinusoidalEmbedding', () => {
  it('sin in the first half, cos in the second, frequencies 10000^(−i/(d/2))', () => {
    const e = sinusoidalEmbedding(fromArray([0, 3, 500], { backend: reference }), 8)
    expect(e.shape).toEqual([3, 8])
    const want = [0, 3, 500].map((t) => {
      const w = [0, 1, 2, 3].map((i) => 10000 ** (-i / 4))
      return [...w.map((f) => Math.sin(t * f)), ...w.map((f) => Math.cos(t * f))]
    })
    expectAllClose(e, want, { rtol: 1e-12, atol: 1e-12 })
    // position 0 is [0,…,0, 1,…,1]; int32 timesteps work too
    expect(sinusoidalEmbedding(fromArray([0], { dtype: 'int32' }), 4).toArray()).toEqual([[0, 0, 1, 1]])
  })

  it('rejects odd widths and non-1-D input', () => {
    const t = fromArray([1, 2])
    expect(() => sinusoidalEmbedding(t, 5)).toThrow(
      'sinusoidalEmbedding: dim must be an even integer >= 2, got 5',
    )
    expect(() => sinusoidalEmbedding(fromArray([[1]]), 4)).toThrow(
      'sinusoidalEmbedding: t must be 1-D [N], got [1,1]',
    )
    dispose(t)
  })
})
