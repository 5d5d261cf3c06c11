import { describe, expect, it } from 'vitest'
import { cpu } from '../backend/cpu'
import { reference } from '../backend/reference'
import { dispose } from '../memory'
import { checkGradients } from '../testing/gradcheck'
import { expectAllClose } from '../testing/tolerance'
import { mul } from './binary'
import { fromArray, toBackend } from './creation'
import { einsum } from './einsum'
import { matmul, outer } from './matmul'
import { sum } from './reduce'
import { permute, transpose } from './views'

/** Irregular values 0.5·sin(i·1.3 + seed) of the given shape, on the reference backend. */
function filled(shape: number[], seed: number) {
  const n = shape.reduce((a, b) => a * b, 1)
  return fromArray(
    Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i * 1.3 + seed)),
    { shape, backend: reference },
  )
}

describe('einsum', () => {
  it.each<
    [
      string,
      number[][],
      (a: ReturnType<typeof filled>, b: ReturnType<typeof filled>) => ReturnType<typeof filled>,
    ]
  >([
    [
      'ij,jk->ik',
      [
        [3, 4],
        [4, 5],
      ],
      (a, b) => matmul(a, b),
    ],
    [
      'bij,bjk->bik',
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
      (a, b) => matmul(a, b),
    ],
    ['i,j->ij', [[3], [4]], (a, b) => outer(a, b)],
    [
      'bhqd,bhkd->bhqk',
      [
        [2, 3, 4, 5],
        [2, 3, 6, 5],
      ],
      (a, b) => matmul(a, transpose(b, 2, 3)),
    ],
    [
      'ij,kj->ik',
      [
        [3, 4],
        [5, 4],
      ],
      (a, b) => matmul(a, transpose(b)),
    ],
    ['i,i->', [[6], [6]], (a, b) => sum(mul(a, b))],
    [
      'ij,jk->ki',
      [
        [3, 4],
        [4, 2],
      ],
      (a, b) => transpose(matmul(a, b)),
    ],
    [
      'ij,jk',
      [
        [3, 4],
        [4, 2],
      ],
      (a, b) => matmul(a, b),
    ],
    [
      'bij,jk->bk',
      [
        [2, 3, 4],
        [4, 5],
      ],
      (a, b) => sum(matmul(a, b), { axis: 1 }),
    ],
  ])(
    '%s equals the explicit composition, and its gradient matches central differences',
    (eq, shapes, explicit) => {
      const a = filled(shapes[0], 1)
      const b = filled(shapes[1], 2)
      const got = einsum(eq, a, b)
      const want = explicit(a, b)
      expect(got.shape).toEqual(want.shape)
      expectAllClose(got, want, { rtol: 1e-12, atol: 1e-12 })
      checkGradients((x, y) => einsum(eq, x, y), [a, b])
      dispose([a, b, got, want])
    },
  )

  it.each<[string, (a: ReturnType<typeof filled>) => ReturnType<typeof filled>]>([
    ['ij->ji', (a) => transpose(a)],
    ['ijk->kij', (a) => permute(a, [2, 0, 1])],
    ['ijk->j', (a) => sum(a, { axis: [0, 2] })],
    ['ijk->', (a) => sum(a)],
  ])('one operand: %s', (eq, explicit) => {
    const a = filled([2, 3, 4].slice(0, eq.indexOf('-')), 3)
    const got = einsum(eq, a)
    expectAllClose(got, explicit(a), { rtol: 1e-12, atol: 1e-12 })
    dispose([a, got])
  })

  it.each(['bhqd,bhkd->bhqk', 'bij,bjk->bik', 'i,j->ij'])(
    '%s on cpu (float32) matches the float64 reference',
    (eq) => {
      const shapes: Record<string, number[][]> = {
        'bhqd,bhkd->bhqk': [
          [2, 2, 5, 8],
          [2, 2, 7, 8],
        ],
        'bij,bjk->bik': [
          [3, 4, 6],
          [3, 6, 2],
        ],
        'i,j->ij': [[5], [3]],
      }
      const [sa, sb] = shapes[eq]
      const a = filled(sa, 4)
      const b = filled(sb, 5)
      const want = einsum(eq, a, b)
      const got = einsum(eq, toBackend(a, cpu), toBackend(b, cpu))
      expect(got.backend).toBe(cpu)
      expectAllClose(got, want, { rtol: 1e-5, atol: 1e-6 })
    },
  )

  it('rejects malformed and unsupported equations with the reason', () => {
    const a = filled([2, 3], 0)
    const b = filled([4, 5], 0)
    expect(() => einsum('ij,jk->ik', a, b)).toThrow("einsum: index 'j' must have one size, got 3 and 4")
    expect(() => einsum('ii->i', filled([2, 2], 0))).toThrow(
      "einsum: equation input term 0 must not repeat an index (diagonals are not supported), got 'ii'",
    )
    expect(() => einsum('ijk->i', a)).toThrow(
      "einsum: input term 0 'ijk' must have one index per dim, got rank 2",
    )
    expect(() => einsum('ij->iz', a)).toThrow("einsum: equation output index 'z' must occur in an input")
    expect(() => einsum('...j->j', a)).toThrow('no ellipsis')
    expect(() => einsum('ij,jk->ik', a)).toThrow('einsum: operands must be one or two tensors')
  })
})
