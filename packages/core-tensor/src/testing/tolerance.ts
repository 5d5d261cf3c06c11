import type { BackendV1 } from '../backend/spec'
import { GenError } from '../errors'
import type { NestedArray } from '../tensor'
import { Tensor } from '../tensor'

/** Relative and absolute tolerance: |a - e| <= atol + rtol·|e| elementwise. */
export interface Tolerance {
  rtol: number
  atol: number
}

/**
 * Tolerances from a backend's float precision (STYLE.md §8): float64 {rtol 1e-9, atol 1e-12},
 * float32 {rtol 1e-3, atol 1e-5}, float16 {rtol 1e-1, atol 1e-2}.
 *
 * @param backend - the backend under test
 * @returns its tolerance
 * @example
 * ```ts
 * tolerancesFor(reference) // { rtol: 1e-9, atol: 1e-12 }
 * ```
 */
export function tolerancesFor(backend: BackendV1): Tolerance {
  if (backend.floatPrecision === 64) return { rtol: 1e-9, atol: 1e-12 }
  if (backend.floatPrecision === 32) return { rtol: 1e-3, atol: 1e-5 }
  return { rtol: 1e-1, atol: 1e-2 }
}

function flat(value: Tensor | NestedArray | ArrayLike<number>): { values: number[]; shape: number[] | null } {
  if (value instanceof Tensor) return { values: Array.from(value.dataSync()), shape: [...value.shape] }
  if (typeof value === 'number' || typeof value === 'boolean') return { values: [Number(value)], shape: [] }
  if (Array.isArray(value)) {
    const shape: number[] = []
    let level: unknown = value
    while (Array.isArray(level)) {
      shape.push(level.length)
      level = level[0]
    }
    return { values: (value as unknown[]).flat(Infinity).map(Number), shape }
  }
  return { values: Array.from(value as ArrayLike<number>), shape: null }
}

/**
 * Asserts that `actual` and `expected` agree elementwise within `tolerance`
 * (|a - e| <= atol + rtol·|e|; NaN matches NaN, ±Inf match themselves), with equal shapes when
 * both have one. Throws a GenError naming the first mismatch.
 *
 * @param actual - a tensor, nested arrays or a flat array
 * @param expected - the same kinds
 * @param tolerance - defaults to float64's {rtol 1e-9, atol 1e-12}
 * @throws GenError on a shape or value mismatch
 * @example
 * ```ts
 * expectAllClose(softmax(fromArray([0, 0])), [0.5, 0.5], { rtol: 1e-6, atol: 1e-7 })
 * ```
 */
export function expectAllClose(
  actual: Tensor | NestedArray | ArrayLike<number>,
  expected: Tensor | NestedArray | ArrayLike<number>,
  tolerance: Partial<Tolerance> = {},
): void {
  const rtol = tolerance.rtol ?? 1e-9
  const atol = tolerance.atol ?? 1e-12
  const a = flat(actual)
  const e = flat(expected)
  if (
    a.shape !== null &&
    e.shape !== null &&
    (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]))
  ) {
    throw new GenError(
      `expectAllClose: shapes must match, got [${a.shape.join(',')}] and [${e.shape.join(',')}]`,
    )
  }
  if (a.values.length !== e.values.length) {
    throw new GenError(`expectAllClose: sizes must match, got ${a.values.length} and ${e.values.length}`)
  }
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]
    const y = e.values[i]
    if (Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y)) continue
    throw new GenError(
      `expectAllClose: values must agree within rtol=${rtol}, atol=${atol}, got ${x} and expected ${y} at flat index ${i}`,
    )
  }
}

/**
 * The values of a tensor as nested arrays (booleans for bool tensors), read with `await
 * data()`, so it works on backends without a synchronous read (GPU backends).
 *
 * @param x - any tensor
 * @returns nested arrays with x's shape (a number or boolean for a scalar)
 * @example
 * ```ts
 * await readNested(fromArray([[1, 2]])) // [[1, 2]]
 * ```
 */
export async function readNested(x: Tensor): Promise<NestedArray> {
  const values = await x.data()
  const bool = x.dtype === 'bool'
  const build = (dim: number, start: number): NestedArray => {
    if (dim === x.rank) return bool ? values[start] !== 0 : values[start]
    let step = 1
    for (let d = dim + 1; d < x.rank; d++) step *= x.shape[d]
    const out: NestedArray[] = []
    for (let i = 0; i < x.shape[dim]; i++) out.push(build(dim + 1, start + i * step))
    return out
  }
  return build(0, 0)
}

/**
 * `expectAllClose` for backends without a synchronous read: tensors are read with `await
 * data()` first (keeping their shapes), then compared exactly as `expectAllClose` does.
 *
 * @param actual - a tensor, nested arrays or a flat array
 * @param expected - the same kinds
 * @param tolerance - defaults to float64's {rtol 1e-9, atol 1e-12}
 * @throws GenError on a shape or value mismatch
 * @example
 * ```ts
 * await expectClose(softmax(fromArray([0, 0], { backend })), [0.5, 0.5], { rtol: 1e-6, atol: 1e-7 })
 * ```
 */
export async function expectClose(
  actual: Tensor | NestedArray | ArrayLike<number>,
  expected: Tensor | NestedArray | ArrayLike<number>,
  tolerance: Partial<Tolerance> = {},
): Promise<void> {
  const resolve = async (v: Tensor | NestedArray | ArrayLike<number>) =>
    v instanceof Tensor ? readNested(v) : v
  expectAllClose(await resolve(actual), await resolve(expected), tolerance)
}
