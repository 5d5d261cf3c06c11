// The WebAssembly kernels against their definitions: Philox words bit for bit equal to
// core-tensor's randomBits, Bernoulli draws equal to the uniformFloats rule, and the sparse
// products equal to float64 products within float32 rounding (|error| ≤ γ_n Σ|terms| with
// γ_n = n·2^−24 for a float32 sum of n terms, plus 2^−24 per term for rounding W to float32).
import { cpu, fold, key, randomBits, reference, uniformFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'

import { initRbm, rbmContrastiveDivergence, rbmPersistentContrastiveDivergence } from '../rbm'
import { bernoulliBits } from './draws'
import { SPARSE_BELOW, sparsePhaseProduct, transposedProduct, weightProducts } from './products'
import { philoxWords, sparseKernels } from './sparse-kernels'

const kernels = sparseKernels()
const U = 2 ** -24

describe('sparse kernels', () => {
  test('compile here (Node has WebAssembly SIMD)', () => {
    expect(kernels).toBeDefined()
  })

  test.each([0, 1, 77, 2 ** 32 - 1])('Philox words equal randomBits bit for bit (seed %d)', (seed) => {
    const k = fold(key(seed), 5)
    for (const blocks of [1, 3, 1000]) {
      const want = randomBits(k, 4 * blocks)
      expect(Array.from(philoxWords(kernels!, k, blocks))).toEqual(Array.from(want))
    }
  })

  test.each([1, 2, 7, 1001])('bernoulliBits equals u < p with u = uniformFloats(k, %d, float64)', (n) => {
    const k = key(n + 3)
    const p = uniformFloats(fold(k, 1), n, 'float64')
    const u = uniformFloats(k, n, 'float64')
    const want = Array.from(p, (pi, i) => (u[i] < pi ? 1 : 0))
    expect(Array.from(bernoulliBits(p, k))).toEqual(want)
    // edge probabilities: 0 never fires, 1 always does
    expect(Array.from(bernoulliBits(new Float64Array(n), k))).toEqual(new Array<number>(n).fill(0))
    expect(Array.from(bernoulliBits(new Float64Array(n).fill(1), k))).toEqual(new Array<number>(n).fill(1))
  })
})

/** A binary [rows, width] matrix with each entry on with probability `density`. */
function binary(rows: number, width: number, density: number, seed: number): Float64Array {
  const u = uniformFloats(key(seed), rows * width, 'float64')
  return Float64Array.from(u, (x) => (x < density ? 1 : 0))
}

/** Expects |got − exact| ≤ (n + 2) 2^−24 Σ|terms| + 1e-30 for each entry of a product. */
function expectFloat32Close(
  got: ArrayLike<number>,
  exact: ArrayLike<number>,
  magnitude: ArrayLike<number>,
  n: number,
): void {
  expect(got.length).toBe(exact.length)
  let worst = 0
  for (let q = 0; q < exact.length; q++) {
    const bound = (n + 2) * U * magnitude[q] + 1e-30
    worst = Math.max(worst, Math.abs(got[q] - exact[q]) / bound)
  }
  expect(worst).toBeLessThanOrEqual(1)
}

describe('sparse products on the cpu backend', () => {
  // H = 37 and V = 29 are not multiples of 4, so the padded rows and the one-vector tail run
  const V = 29
  const H = 37
  const rbm = initRbm({ numVisible: V, numHidden: H }, { key: key(1), initScale: 1 })
  const absW = Float64Array.from(rbm.weights, Math.abs)
  const absRbm = { ...rbm, weights: absW }

  test.each([0, 0.13, 0.4])('x W and h Wᵀ equal the float64 products (density %d)', (density) => {
    const rows = 23
    const x = binary(rows, V, density, 7)
    const h = binary(rows, H, density, 8)
    const fast = weightProducts(rbm.weights, rbm, cpu)
    const exact = weightProducts(rbm.weights, rbm, reference)
    const size = weightProducts(absW, absRbm, reference)
    expectFloat32Close(fast.right(x, rows), exact.right(x, rows), size.right(x, rows), V)
    expectFloat32Close(fast.left(h, rows), exact.left(h, rows), size.left(h, rows), H)
    // and the same as the dense float32 path (the x·0.5 operand is not binary, so it goes dense)
    const half = x.map((v) => v * 0.5)
    const dense = fast.right(half, rows)
    const sparse = fast.right(x, rows)
    for (let q = 0; q < dense.length; q++) {
      expect(Math.abs(sparse[q] - 2 * dense[q])).toBeLessThanOrEqual((V + 2) * U * 2 * size.right(x, rows)[q])
    }
    for (const p of [fast, exact, size]) p.dispose()
  })

  test('a dense binary operand (above SPARSE_BELOW) and a non-binary one still give the product', () => {
    const rows = 5
    const x = binary(rows, V, Math.min(1, SPARSE_BELOW + 0.3), 9)
    const y = Float64Array.from(uniformFloats(key(10), rows * V, 'float64'))
    const fast = weightProducts(rbm.weights, rbm, cpu)
    const exact = weightProducts(rbm.weights, rbm, reference)
    const size = weightProducts(absW, absRbm, reference)
    for (const a of [x, y])
      expectFloat32Close(fast.right(a, rows), exact.right(a, rows), size.right(a, rows), V)
    for (const p of [fast, exact, size]) p.dispose()
  })

  test('two weight matrices interleaved keep their own resident copies', () => {
    const other = initRbm({ numVisible: V, numHidden: H }, { key: key(2), initScale: 1 })
    const rows = 4
    const x = binary(rows, V, 0.2, 11)
    const a = weightProducts(rbm.weights, rbm, cpu)
    const b = weightProducts(other.weights, other, cpu)
    const first = a.right(x, rows)
    b.right(x, rows)
    bernoulliBits(new Float64Array(5000).fill(0.5), key(3)) // Philox output lands in scratch
    expect(Array.from(a.right(x, rows))).toEqual(Array.from(first))
    a.dispose()
    b.dispose()
  })

  test('xᵀ y and the two-phase Σ scale vᵀ p equal the float64 sums', () => {
    const rows = 31
    const x = binary(rows, V, 0.15, 12)
    const x2 = binary(17, V, 0.3, 13)
    const y = Float64Array.from(uniformFloats(key(14), rows * H, 'float64'), (u) => u - 0.5)
    const y2 = Float64Array.from(uniformFloats(key(15), 17 * H, 'float64'))
    const shape = { rows, numVisible: V, numHidden: H }
    const exact = transposedProduct(x, y, shape, reference)
    const size = transposedProduct(x, y.map(Math.abs), shape, reference)
    expectFloat32Close(transposedProduct(x, y, shape, cpu), exact, size, rows)
    const phases = [
      { v: x, p: y, rows, scale: 1 / rows },
      { v: x2, p: y2, rows: 17, scale: -1 / 17 },
    ]
    const got = sparsePhaseProduct(phases, { numVisible: V, numHidden: H }, cpu)!
    const want = new Float64Array(V * H)
    const mag = new Float64Array(V * H)
    for (const { v, p, rows: n, scale } of phases) {
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < V; i++) {
          if (v[r * V + i] === 0) continue
          for (let j = 0; j < H; j++) {
            want[i * H + j] += scale * p[r * H + j]
            mag[i * H + j] += Math.abs(scale * p[r * H + j])
          }
        }
      }
    }
    expectFloat32Close(got, want, mag, rows + 17)
    // the reference backend never takes the sparse path
    expect(sparsePhaseProduct(phases, { numVisible: V, numHidden: H }, reference)).toBeUndefined()
  })

  test('CD-1 and PCD-1 on the cpu backend match the float64 reference (same draws, float32 products)', () => {
    const big = initRbm({ numVisible: 64, numHidden: 40 }, { key: key(4), initScale: 0.3 })
    const data = binary(20, 64, 0.13, 16)
    const chains = binary(12, 64, 0.5, 17)
    for (const run of [
      (backend: typeof cpu) => rbmContrastiveDivergence(big, data, { key: key(5), backend }),
      (backend: typeof cpu) =>
        rbmPersistentContrastiveDivergence(big, data, chains, { key: key(6), backend }),
    ]) {
      const fast = run(cpu)
      const exact = run(reference)
      expect(Array.from(fast.negative)).toEqual(Array.from(exact.negative))
      for (const name of ['weights', 'visibleBias', 'hiddenBias'] as const) {
        const a = fast.gradient[name]
        const b = exact.gradient[name]
        for (let q = 0; q < a.length; q++) expect(Math.abs(a[q] - b[q])).toBeLessThan(1e-5)
      }
    }
  })
})
