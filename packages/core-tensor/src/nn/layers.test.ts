import { describe, expect, it } from 'vitest'
import { valueAndGrad } from '../autodiff/grad'
import { reference } from '../backend/reference'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { fromArray, ones } from '../ops/creation'
import { mul } from '../ops/binary'
import { sum } from '../ops/reduce'
import { key, split } from '../random/key'
import type { Tensor } from '../tensor'
import { dropout, embedding, embeddingInit, layerNorm, layerNormInit, linear, linearInit } from './layers'
import { checkGradients } from './test-helpers'

const ref = (values: number[][] | number[]) => fromArray(values, { backend: reference })

describe('linear', () => {
  it('computes x·Wᵀ + b (hand-computed)', () => {
    // W = [[1, 2], [3, 4], [5, 6]] (out 3, in 2), b = [0.5, -1, 0]
    // x = [1, -1] → Wx = [-1, -1, -1] → [-0.5, -2, -1]; x = [2, 0.5] → [3, 8, 13] → [3.5, 7, 13]
    const params = {
      weight: ref([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      bias: ref([0.5, -1, 0]),
    }
    const y = linear(
      params,
      ref([
        [1, -1],
        [2, 0.5],
      ]),
    )
    expect(y.shape).toEqual([2, 3])
    expect(y.toArray()).toEqual([
      [-0.5, -2, -1],
      [3.5, 7, 13],
    ])
    // Leading batch dims are kept; a 1-D input gives a 1-D output.
    expect(linear(params, ref([1, -1])).toArray()).toEqual([-0.5, -2, -1])
    const x3 = fromArray(new Float64Array(12).fill(1), { shape: [2, 3, 2], backend: reference })
    expect(linear(params, x3).shape).toEqual([2, 3, 3])
    expect(linear({ weight: params.weight }, ref([1, 0])).toArray()).toEqual([1, 3, 5])
  })

  it('gradients match central differences', () => {
    const x = ref([
      [0.3, -0.7],
      [1.1, 0.2],
      [-0.5, 0.9],
    ])
    checkGradients((p) => sum(mul(linear({ weight: p.w, bias: p.b }, x), ref([[1, -2, 0.5]]))), {
      w: { data: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6], shape: [3, 2] },
      b: { data: [0.01, 0.02, -0.03], shape: [3] },
    })
  })

  it('init: PyTorch shapes and bound 1/√in, reproducible from the key', () => {
    const p = linearInit(key(7), 16, 4, { backend: reference })
    expect(p.weight.shape).toEqual([4, 16])
    expect(p.bias?.shape).toEqual([4])
    const w = [...p.weight.dataSync()]
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25)
    expect(new Set(w).size).toBe(64)
    expect([...linearInit(key(7), 16, 4, { backend: reference }).weight.dataSync()]).toEqual(w)
    expect([...linearInit(key(8), 16, 4, { backend: reference }).weight.dataSync()]).not.toEqual(w)
    expect(linearInit(key(7), 16, 4, { bias: false }).bias).toBeUndefined()
  })

  it('rejects mismatched inputs and bad sizes', () => {
    const p = { weight: ref([[1, 2]]), bias: ref([0]) }
    expect(() => linear(p, ref([[1, 2, 3]]))).toThrow(
      /linear: x must end in 2 features to match weight \[1,2\], got \[1,3\]/,
    )
    expect(() => linear({ weight: p.weight, bias: ref([0, 0]) }, ref([1, 2]))).toThrow(
      /linear: bias must be \[1\], got \[2\]/,
    )
    expect(() => linearInit(key(0), 0, 3)).toThrow(/linearInit: inFeatures must be an integer >= 1, got 0/)
  })
})

describe('embedding', () => {
  it('looks rows up with any index shape, and accumulates the gradient of repeated rows', () => {
    const weight = ref([
      [0, 1],
      [10, 11],
      [20, 21],
    ])
    const idx = fromArray(
      [
        [2, 0],
        [2, 2],
      ],
      { dtype: 'int32', backend: reference },
    )
    const out = embedding({ weight }, idx)
    expect(out.shape).toEqual([2, 2, 2])
    expect(out.toArray()).toEqual([
      [
        [20, 21],
        [0, 1],
      ],
      [
        [20, 21],
        [20, 21],
      ],
    ])
    const { grads } = valueAndGrad((p: { weight: Tensor }) => sum(embedding(p, idx)))({ weight })
    expect(grads.weight.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [3, 3],
    ])
  })

  it('init is N(0, 1) with the table shape; indices must be int32 and in range', () => {
    const table = embeddingInit(key(1), 5, 3)
    expect(table.weight.shape).toEqual([5, 3])
    expect(() => embedding(table, fromArray([1]))).toThrow(DTypeError)
    expect(() => embedding(table, fromArray([5], { dtype: 'int32' }))).toThrow(InvalidArgumentError)
  })
})

describe('layerNorm', () => {
  it('normalises the trailing dims: [1, 2, 3] → (x − 2)/√(2/3 + ε)', () => {
    const y = layerNorm(
      layerNormInit(3, { backend: reference }),
      ref([
        [1, 2, 3],
        [-1, -1, 5],
      ]),
    ).dataSync()
    const s = Math.sqrt(2 / 3 + 1e-5)
    expect(y[0]).toBeCloseTo(-1 / s, 12)
    expect(y[1]).toBeCloseTo(0, 12)
    expect(y[2]).toBeCloseTo(1 / s, 12)
    // Row 2: mean 1, variance 8 → [-2, -2, 4]/√(8 + ε)
    expect(y[5]).toBeCloseTo(4 / Math.sqrt(8 + 1e-5), 12)
  })

  it('applies γ and β and matches central differences for x, γ and β', () => {
    checkGradients(
      (p) =>
        sum(
          mul(
            layerNorm({ weight: p.g, bias: p.b }, p.x),
            ref([
              [0.3, -1, 2],
              [1, 0.5, -0.2],
            ]),
          ),
        ),
      {
        x: { data: [0.2, -1.3, 0.8, 2.1, 0.4, -0.6], shape: [2, 3] },
        g: { data: [1.5, 0.7, -0.4], shape: [3] },
        b: { data: [0.1, 0.2, 0.3], shape: [3] },
      },
    )
  })

  it('normalises over several trailing dims and rejects a wrong shape', () => {
    const norm = layerNormInit([2, 2], { backend: reference })
    const y = layerNorm(
      norm,
      ref([
        [1, 2],
        [3, 4],
      ]),
      { epsilon: 0 },
    ).dataSync()
    const s = Math.sqrt(1.25)
    expect([...y].map((v) => v * s)).toEqual(
      [-1.5, -0.5, 0.5, 1.5].map((v) => expect.closeTo(v, 12) as number),
    )
    expect(() => layerNorm(norm, ref([1, 2, 3, 4]))).toThrow(ShapeError)
  })
})

describe('dropout', () => {
  const x = ones([1000])

  it('the same key gives the same mask, two keys give different masks', () => {
    const [k1, k2] = split(key(3))
    const a = [...dropout(k1, x, { rate: 0.5 }).dataSync()]
    expect([...dropout(k1, x, { rate: 0.5 }).dataSync()]).toEqual(a)
    expect([...dropout(k2, x, { rate: 0.5 }).dataSync()]).not.toEqual(a)
  })

  it('keeps about 1 − p of the elements, scaled by 1/(1 − p)', () => {
    const y = [...dropout(key(5), x, { rate: 0.25 }).dataSync()]
    const kept = y.filter((v) => v !== 0)
    kept.forEach((v) => expect(v).toBeCloseTo(1 / 0.75, 6))
    // Binomial(1000, 0.75): sd ≈ 13.7; allow 5 sd.
    expect(Math.abs(kept.length - 750)).toBeLessThan(5 * Math.sqrt(1000 * 0.75 * 0.25))
  })

  it('is the identity in evaluation or at rate 0, and rejects rates outside [0, 1)', () => {
    expect(dropout(key(0), x, { rate: 0.5, training: false })).toBe(x)
    expect(dropout(key(0), x, { rate: 0 })).toBe(x)
    expect(() => dropout(key(0), x, { rate: 1 })).toThrow(/dropout: rate must be in \[0, 1\), got 1/)
  })
})
