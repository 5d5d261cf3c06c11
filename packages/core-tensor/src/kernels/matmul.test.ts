import { describe, expect, test } from 'vitest'
import { InvalidArgumentError, ShapeError } from '../errors'
import { key, uniformFloats } from '../random'
import { matmulF32, matmulJsF32, matmulKernelInfo, WasmMatmul, planMatmul, type MatmulSpec } from './index'

/** Values in [-1, 1) from a key, so every run tests the same numbers. */
function data(seed: number, count: number): Float32Array {
  return uniformFloats(key(seed), count).map((u) => 2 * u - 1)
}

/** Reads A[i, p] / B[p, j] through the spec's layout, exactly as documented. */
function reader(x: Float32Array, transposed: boolean, ld: number, offset: number) {
  return (r: number, c: number): number => (transposed ? x[offset + c * ld + r] : x[offset + r * ld + c])
}

/**
 * float64 reference and the error bound per element: a float32 sum of k products differs
 * from the exact sum by at most about k * eps_f32 * sum |a_p b_p| (Higham, eq. 3.5), with
 * eps_f32 = 2^-24; we allow 2k to cover the final rounding of C and accumulate's extra add.
 */
function reference(a: Float32Array, b: Float32Array, c0: Float32Array, spec: MatmulSpec) {
  const { m, n, k } = spec
  const A = reader(
    a,
    spec.transposeA === true,
    spec.lda ?? (spec.transposeA === true ? m : k),
    spec.offsetA ?? 0,
  )
  const B = reader(
    b,
    spec.transposeB === true,
    spec.ldb ?? (spec.transposeB === true ? k : n),
    spec.offsetB ?? 0,
  )
  const ldc = spec.ldc ?? n
  const offC = spec.offsetC ?? 0
  const value = new Float64Array(m * n)
  const bound = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = spec.accumulate === true ? c0[offC + i * ldc + j] : 0
      let abs = Math.abs(s)
      for (let p = 0; p < k; p++) {
        const t = A(i, p) * B(p, j)
        s += t
        abs += Math.abs(t)
      }
      value[i * n + j] = s
      bound[i * n + j] = 2 * (k + 1) * 2 ** -24 * abs + 1e-30
    }
  }
  return { value, bound }
}

type Kernel = (a: Float32Array, b: Float32Array, out: Float32Array, spec: MatmulSpec) => void

const kernels: [string, Kernel][] = [
  ['matmulF32 (wasm-simd)', matmulF32],
  ['matmulJsF32', matmulJsF32],
  [
    'a fresh WasmMatmul',
    (a, b, out, spec) => {
      const operands = { a, b, out }
      new WasmMatmul().run(planMatmul('test', operands, spec), operands)
    },
  ],
]

/** Runs one case and checks every element of C and every gap element around it. */
function check(kernel: Kernel, spec: MatmulSpec, seed: number): void {
  const { m, n, k } = spec
  const rowsA = spec.transposeA === true ? k : m
  const rowsB = spec.transposeB === true ? n : k
  const lda = spec.lda ?? (spec.transposeA === true ? m : k)
  const ldb = spec.ldb ?? (spec.transposeB === true ? k : n)
  const ldc = spec.ldc ?? n
  const a = data(seed, (spec.offsetA ?? 0) + rowsA * lda)
  const b = data(seed + 1, (spec.offsetB ?? 0) + rowsB * ldb)
  const out = data(seed + 2, (spec.offsetC ?? 0) + m * ldc + 3)
  const before = out.slice()
  const { value, bound } = reference(a, b, before, spec)
  kernel(a, b, out, spec)
  const offC = spec.offsetC ?? 0
  let worst = 0
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const err = Math.abs(out[offC + i * ldc + j] - value[i * n + j]) / bound[i * n + j]
      worst = Math.max(worst, err)
    }
  }
  expect(worst).toBeLessThanOrEqual(1)
  // Everything outside C's m x n elements is untouched.
  for (let x = 0; x < out.length; x++) {
    const rel = x - offC
    const inside = rel >= 0 && Math.floor(rel / ldc) < m && rel % ldc < n
    if (!inside) expect(out[x]).toBe(before[x])
  }
}

describe.each(kernels)('%s', (_, kernel) => {
  test.each([
    [1, 1, 1],
    [1, 37, 19],
    [37, 1, 19],
    [5, 7, 1],
    [3, 5, 7],
    [4, 8, 16],
    [9, 17, 33],
    [131, 67, 300], // past MC = 128 and KC = 256, neither a multiple of the 4 x 8 tile
    [64, 64, 64],
  ])('m=%i n=%i k=%i matches a float64 product', (m, n, k) => {
    check(kernel, { m, n, k }, m * 1000 + n * 10 + k)
  })

  test('columns past the 2048-wide block of C', () => {
    check(kernel, { m: 3, n: 2053, k: 5 }, 7)
  })

  test.each([
    [false, true],
    [true, false],
    [true, true],
  ])('transposeA=%s transposeB=%s', (transposeA, transposeB) => {
    check(kernel, { m: 13, n: 21, k: 270, transposeA, transposeB }, 11)
  })

  test('leading dimensions and offsets leave the gaps alone (an im2col block of a larger buffer)', () => {
    check(kernel, { m: 10, n: 9, k: 11, lda: 15, ldb: 12, ldc: 13, offsetA: 4, offsetB: 3, offsetC: 5 }, 21)
    check(kernel, { m: 6, n: 10, k: 7, lda: 9, ldb: 8, transposeA: true, transposeB: true, ldc: 11 }, 22)
  })

  test('accumulate adds into out', () => {
    check(kernel, { m: 7, n: 9, k: 300, accumulate: true }, 31)
    check(kernel, { m: 7, n: 9, k: 5, accumulate: true, ldc: 12 }, 32)
  })

  test('k = 0 gives zeros, or leaves out as is when accumulating', () => {
    const out = new Float32Array([5, 6, 7, 8])
    kernel(new Float32Array(0), new Float32Array(0), out, { m: 2, n: 2, k: 0, accumulate: true })
    expect([...out]).toEqual([5, 6, 7, 8])
    kernel(new Float32Array(0), new Float32Array(0), out, { m: 1, n: 2, k: 0, ldc: 2 })
    expect([...out]).toEqual([0, 0, 7, 8])
  })

  test('exact small product, and a repeated call reuses memory without stale values', () => {
    const out = new Float32Array(4)
    kernel(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([1, 0, 0, 1, 1, 1]), out, {
      m: 2,
      n: 2,
      k: 3,
    })
    expect([...out]).toEqual([4, 5, 10, 11])
    kernel(new Float32Array([1, 2]), new Float32Array([3, 4]), out, { m: 2, n: 2, k: 1 })
    expect([...out]).toEqual([3, 4, 6, 8])
  })

  test('NaN and Infinity propagate to their row and column only', () => {
    const a = new Float32Array([NaN, 1, 1, 1]) // 2 x 2
    const b = new Float32Array([1, 1, Infinity, 1])
    const out = new Float32Array(4)
    kernel(a, b, out, { m: 2, n: 2, k: 2 })
    expect(Number.isNaN(out[0]) && Number.isNaN(out[1])).toBe(true)
    expect(out[2]).toBe(Infinity)
    expect(out[3]).toBe(2)
  })
})

describe('matmulF32 input checks', () => {
  const a = new Float32Array(6)
  const b = new Float32Array(6)
  const out = new Float32Array(4)

  test('rejects sizes that are not non-negative integers', () => {
    expect(() => matmulF32(a, b, out, { m: -1, n: 2, k: 3 })).toThrow(InvalidArgumentError)
    expect(() => matmulF32(a, b, out, { m: 2, n: 2.5, k: 3 })).toThrow(
      'matmulF32: n must be an integer >= 0, got 2.5',
    )
  })

  test('rejects a leading dimension shorter than its row', () => {
    expect(() => matmulF32(a, b, out, { m: 2, n: 2, k: 3, lda: 2 })).toThrow(
      'matmulF32: lda must be an integer >= 3, got 2',
    )
  })

  test('rejects arrays too short for the sizes', () => {
    expect(() => matmulF32(a, b, out, { m: 2, n: 2, k: 4 })).toThrow(ShapeError)
    expect(() => matmulF32(a, b, out, { m: 2, n: 2, k: 3, offsetC: 1 })).toThrow(
      'matmulF32: out must hold at least 5 elements for m=2 n=2 k=3, got 4',
    )
  })
})

test('matmulKernelInfo reports the SIMD kernel on Node', () => {
  expect(matmulKernelInfo()).toEqual({ kernel: 'wasm-simd', simd: true })
})
