import { describe, expect, it } from 'vitest'
import * as T from '../index'
import { key, fold } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { expectAllClose } from '../testing/tolerance'
import { cpu } from './cpu'
import { collapseDims } from './cpu-elementwise'
import { reference } from './reference'
import type { BackendV1 } from './spec'

describe('collapseDims', () => {
  it('merges contiguous runs, drops size-1 dims and keeps broadcast and transposed dims apart', () => {
    // contiguous [2, 3, 4] and a scalar broadcast: one dim of 24
    expect(
      collapseDims(
        [2, 3, 4],
        [
          [12, 4, 1],
          [0, 0, 0],
        ],
      ),
    ).toEqual({ shape: [24], strides: [[1], [0]] })
    // x + row: the row's stride-0 batch dim cannot merge with its unit inner dim
    expect(
      collapseDims(
        [5, 1, 7],
        [
          [7, 7, 1],
          [0, 0, 1],
        ],
      ),
    ).toEqual({
      shape: [5, 7],
      strides: [
        [7, 1],
        [0, 1],
      ],
    })
    // a transposed matrix stays two dims
    expect(collapseDims([3, 4], [[1, 3]])).toEqual({ shape: [3, 4], strides: [[1, 3]] })
    // a single element collapses to rank 0
    expect(collapseDims([1, 1], [[5, 9]])).toEqual({ shape: [], strides: [[]] })
  })
})

/** A few float tensors on a backend, from one key. */
function draws(backend: BackendV1, seed: number, shape: number[]): T.Tensor {
  const size = shape.reduce((s, d) => s * d, 1)
  const values = uniformFloats(fold(key(seed), size), size, 'float64').map((u) => 2 * u - 1)
  return T.fromArray(values, { shape, backend })
}

/** Views of one [4, 6] shape built the ways training code builds them. */
const views: [string, (b: BackendV1, seed: number) => T.Tensor][] = [
  ['contiguous', (b, s) => draws(b, s, [4, 6])],
  ['transposed', (b, s) => T.transpose(draws(b, s, [6, 4]))],
  ['row broadcast', (b, s) => T.expand(draws(b, s, [1, 6]), [4, 6])],
  ['column broadcast', (b, s) => T.expand(draws(b, s, [4, 1]), [4, 6])],
  ['scalar broadcast', (b, s) => T.expand(draws(b, s, [1, 1]), [4, 6])],
  ['reversed slice', (b, s) => T.slice(draws(b, s, [8, 7]), [{ start: 7, step: -2 }, { start: 1 }])],
]

describe('cpu strided elementwise kernels agree with the reference backend', () => {
  const ops: [string, (a: T.Tensor, b: T.Tensor) => T.Tensor][] = [
    ['add', T.add],
    ['sub', T.sub],
    ['mul', T.mul],
    ['div', T.div],
    ['maximum', T.maximum],
    ['less', T.less],
    ['where', (a, b) => T.where(T.greater(a, b), a, b)],
    ['where scalar', (a) => T.where(T.greater(a, 0), a, 0)],
  ]
  for (const [opName, op] of ops) {
    it(`${opName} over every pair of view kinds`, () => {
      for (const [aName, makeA] of views) {
        for (const [bName, makeB] of views) {
          const fast = op(makeA(cpu, 1), makeB(cpu, 2))
          const slow = op(makeA(reference, 1), makeB(reference, 2))
          expect(fast.shape, `${aName} ${opName} ${bName}`).toEqual([4, 6])
          expectAllClose(fast.dataSync(), slow.dataSync(), { rtol: 1e-6, atol: 1e-6 })
        }
      }
    })
  }

  it('sum over every axis set of every view kind', () => {
    for (const [name, make] of views) {
      for (const axes of [[0], [1], [0, 1], [-1]]) {
        for (const keepdims of [false, true]) {
          const fast = T.sum(make(cpu, 4), { axis: axes, keepdims })
          const slow = T.sum(make(reference, 4), { axis: axes, keepdims })
          expect(fast.shape, `${name} ${axes.join(',')}`).toEqual(slow.shape)
          expectAllClose(fast.dataSync(), slow.dataSync(), { rtol: 1e-6, atol: 1e-6 })
        }
      }
    }
    // a 3-D transposed view reduced over its middle and outer dims, and an empty reduction
    const x3 = (b: BackendV1): T.Tensor => T.permute(draws(b, 9, [3, 4, 5]), [2, 0, 1])
    expectAllClose(
      T.sum(x3(cpu), { axis: [0, 2] }).dataSync(),
      T.sum(x3(reference), { axis: [0, 2] }).dataSync(),
      {
        rtol: 1e-6,
        atol: 1e-6,
      },
    )
    expect(Array.from(T.sum(T.zeros([2, 0, 3]), { axis: [1] }).dataSync())).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('unary ops and contiguous() read every view kind', () => {
    for (const [name, make] of views) {
      const fast = make(cpu, 3)
      const slow = make(reference, 3)
      expect(Array.from(T.contiguous(fast).dataSync()), name).toEqual(
        Array.from(new Float32Array(T.contiguous(slow).dataSync())),
      )
      expectAllClose(T.exp(fast).dataSync(), T.exp(slow).dataSync(), { rtol: 1e-6, atol: 0 })
    }
  })
})

describe('cpu matmul reads transposed and broadcast operands in place', () => {
  it('matches the reference for every layout of A and B', () => {
    const [m, k, n] = [9, 13, 11]
    const layouts: [string, (b: BackendV1, seed: number, r: number, c: number) => T.Tensor][] = [
      ['plain', (b, s, r, c) => draws(b, s, [r, c])],
      ['transposed', (b, s, r, c) => T.transpose(draws(b, s, [c, r]))],
      ['column slice', (b, s, r, c) => T.slice(draws(b, s, [r, c + 3]), [null, { start: 2, stop: c + 2 }])],
      ['row broadcast', (b, s, r, c) => T.expand(draws(b, s, [1, c]), [r, c])],
      ['reversed rows', (b, s, r, c) => T.slice(draws(b, s, [r, c]), [{ step: -1 }])],
    ]
    for (const [aName, makeA] of layouts) {
      for (const [bName, makeB] of layouts) {
        const fast = T.matmul(makeA(cpu, 5, m, k), makeB(cpu, 6, k, n))
        const slow = T.matmul(makeA(reference, 5, m, k), makeB(reference, 6, k, n))
        expect(fast.shape, `${aName} x ${bName}`).toEqual([m, n])
        expectAllClose(fast.dataSync(), slow.dataSync(), { rtol: 1e-5, atol: 1e-5 * k })
      }
    }
  })

  it('batches with a broadcast batch dim and a transposed operand', () => {
    const a = (b: BackendV1): T.Tensor => draws(b, 7, [3, 1, 5, 4])
    const w = (b: BackendV1): T.Tensor => T.transpose(draws(b, 8, [2, 6, 4]), 1, 2)
    const fast = T.matmul(a(cpu), w(cpu))
    const slow = T.matmul(a(reference), w(reference))
    expect(fast.shape).toEqual([3, 2, 5, 6])
    expectAllClose(fast.dataSync(), slow.dataSync(), { rtol: 1e-5, atol: 1e-5 * 4 })
  })
})

describe('flat fast paths (contiguous or single-value operands)', () => {
  const special = [NaN, -0, 0, Infinity, -Infinity, 1.5, -2.25, 3e-41]
  const bits = (t: T.Tensor): number[] => Array.from(new Int32Array(Float32Array.from(t.dataSync()).buffer))

  it('where copies the chosen values bit for bit (NaN, -0, infinities, subnormals) in all four patterns', () => {
    const mask = [1, 0, 1, 1, 0, 0, 1, 0]
    const x = T.fromArray(special, { backend: cpu })
    const y = T.fromArray([...special].reverse(), { backend: cpu })
    const cond = T.fromArray(mask, { dtype: 'bool', backend: cpu })
    const pick = (a: number[], b: number[]): number[] => mask.map((m, i) => (m ? a[i] : b[i]))
    const expectBits = (t: T.Tensor, values: number[]): void =>
      expect(bits(t)).toEqual(bits(T.fromArray(values, { backend: cpu })))
    const reversed = [...special].reverse()
    expectBits(T.where(cond, x, y), pick(special, reversed))
    expectBits(
      T.where(cond, x, -0),
      pick(
        special,
        special.map(() => -0),
      ),
    )
    expectBits(
      T.where(cond, NaN, y),
      pick(
        special.map(() => NaN),
        reversed,
      ),
    )
    expectBits(
      T.where(cond, 7.5, -0),
      pick(
        special.map(() => 7.5),
        special.map(() => -0),
      ),
    )
  })

  it('comparisons against a scalar on either side agree with the reference backend, NaN compares false', () => {
    const values = [...special, ...Array.from(uniformFloats(key(4), 200), (u) => u - 0.5)]
    const on = (b: BackendV1) => T.fromArray(values, { backend: b })
    const cases: [string, (x: T.Tensor) => T.Tensor][] = [
      ['x > 0', (x) => T.greater(x, 0)],
      ['x >= 0', (x) => T.greaterEqual(x, 0)],
      ['x < 0.25', (x) => T.less(x, 0.25)],
      ['x == -0', (x) => T.equal(x, -0)],
      ['x != 1.5', (x) => T.notEqual(x, 1.5)],
      [
        'x > y, both contiguous',
        (x) => T.greater(x, T.fromArray([...values].reverse(), { backend: x.backend })),
      ],
    ]
    for (const [name, f] of cases) {
      const fast = Array.from(f(on(cpu)).dataSync())
      const oracle = Array.from(f(on(reference)).dataSync())
      expect(fast, name).toEqual(oracle)
    }
    // NaN is unordered: every comparison but != is false
    expect(Array.from(T.greater(on(cpu), 0).dataSync()).slice(0, 1)).toEqual([0])
    expect(Array.from(T.notEqual(on(cpu), 0).dataSync()).slice(0, 1)).toEqual([1])
  })
})
