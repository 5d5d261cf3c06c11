/**
 * Joining and splitting: concat, stack, split, pad.
 */
import { promoteTypes } from '../dtype'
import { InvalidArgumentError, ShapeError } from '../errors'
import { castP, concatP, sameBackend, type SliceAxis, sliceP } from '../primitives'
import type { Tensor } from '../tensor'
import { full } from './creation'
import { checkTensor, fmtShape, normalizeAxis } from './internal'
import { slice, unsqueeze } from './views'

function isNonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an empty array' : typeof value
}

/**
 * Joins tensors along an existing axis. Dtypes are promoted; all other dims must match.
 *
 * @param tensors - one or more tensors of one rank
 * @param axis - the joining axis (default 0)
 * @returns the concatenation
 * @throws ShapeError when ranks or non-joined dims differ
 * @example
 * ```ts
 * concat([fromArray([1, 2]), fromArray([3])]).toArray() // [1, 2, 3]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!isNonEmptyList(tensors)) {
    throw new InvalidArgumentError('concat', 'tensors', `must be a non-empty array, got ${describe(tensors)}`)
  }
  tensors.forEach((t, i) => checkTensor('concat', `tensors[${i}]`, t))
  sameBackend('concat', tensors)
  const first = tensors[0]
  const a = normalizeAxis('concat', axis, first.rank)
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d: number, i: number) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        `all dims but axis ${a} must match, got ${tensors.map((u) => fmtShape(u.shape)).join(' and ')}`,
        tensors.map((u) => u.shape),
      )
    }
  }
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes)
  if (tensors.length === 1) return castP(first, dtype)
  return concatP(
    tensors.map((t) => castP(t, dtype)),
    a,
  )
}

/**
 * Joins tensors of one shape along a new axis.
 *
 * @param tensors - one or more tensors of identical shape
 * @param axis - position of the new axis (default 0)
 * @returns a tensor with one more dim
 * @throws ShapeError when shapes differ
 * @example
 * ```ts
 * stack([fromArray([1, 2]), fromArray([3, 4])]).toArray() // [[1, 2], [3, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!isNonEmptyList(tensors)) {
    throw new InvalidArgumentError('stack', 'tensors', 'must be a non-empty array, got an empty one')
  }
  tensors.forEach((t, i) => checkTensor('stack', `tensors[${i}]`, t))
  const first = tensors[0]
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d: number, i: number) => d !== first.shape[i])) {
      throw new ShapeError(
        'stack',
        `all shapes must be equal, got ${tensors.map((u) => fmtShape(u.shape)).join(' and ')}`,
        tensors.map((u) => u.shape),
      )
    }
  }
  const a = normalizeAxis('stack', axis, first.rank + 1)
  return concat(
    tensors.map((t) => unsqueeze(t, a)),
    a,
  )
}

/**
 * Splits along `axis` into `sections` equal parts, or into parts of the listed sizes. The
 * parts are views.
 *
 * @param x - input tensor
 * @param sections - a count that divides the axis, or a list of sizes summing to it
 * @param axis - the axis (default 0)
 * @returns the parts
 * @throws InvalidArgumentError when the sections do not fit the axis
 * @example
 * ```ts
 * tensorSplit(arange(6), 3).map((t) => t.toArray()) // [[0, 1], [2, 3], [4, 5]]
 * tensorSplit(arange(5), [2, 3]).map((t) => t.shape[0]) // [2, 3]
 * ```
 */
export function tensorSplit(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('tensorSplit', 'x', x)
  const a = normalizeAxis('tensorSplit', axis, x.rank)
  const n = x.shape[a]
  let sizes: number[]
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections <= 0 || n % sections !== 0) {
      throw new InvalidArgumentError(
        'tensorSplit',
        'sections',
        `must be a positive integer dividing ${n}, got ${sections}`,
      )
    }
    sizes = new Array<number>(sections).fill(n / sections)
  } else {
    sizes = [...sections]
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== n) {
      throw new InvalidArgumentError(
        'tensorSplit',
        'sections',
        `must be sizes >= 0 summing to ${n}, got [${sizes.join(',')}]`,
      )
    }
  }
  const parts: Tensor[] = []
  let start = 0
  for (const size of sizes) {
    const axes: SliceAxis[] = x.shape.map((d, i) =>
      i === a ? { start, step: 1, size } : { start: 0, step: 1, size: d },
    )
    parts.push(sliceP(x, axes))
    start += size
  }
  return parts
}

/** How `pad` fills the border. */
export interface PadOptions {
  /** `'constant'` fills with `value`; `'reflect'` mirrors without repeating the edge (NumPy). */
  mode?: 'constant' | 'reflect'
  /** Fill value for constant mode (default 0). */
  value?: number
}

/**
 * Pads each axis with `padding[i] = [before, after]` elements (trailing axes may be omitted).
 * Reflect mode mirrors about the edge element: [1, 2, 3] padded by 2 is [3, 2, 1, 2, 3, 2, 1].
 *
 * @param x - input tensor
 * @param padding - [before, after] per leading axis, integers >= 0
 * @param options - mode and value
 * @returns the padded tensor
 * @throws InvalidArgumentError for negative padding, or reflect padding >= the axis length
 * @example
 * ```ts
 * pad(fromArray([1, 2, 3]), [[1, 2]]).toArray() // [0, 1, 2, 3, 0, 0]
 * pad(fromArray([1, 2, 3]), [[2, 2]], { mode: 'reflect' }).toArray() // [3, 2, 1, 2, 3, 2, 1]
 * ```
 */
export function pad(
  x: Tensor,
  padding: readonly (readonly [number, number])[],
  options: PadOptions = {},
): Tensor {
  checkTensor('pad', 'x', x)
  const mode = options.mode ?? 'constant'
  if (mode !== 'constant' && mode !== 'reflect') {
    throw new InvalidArgumentError('pad', 'mode', `must be 'constant' or 'reflect', got ${String(mode)}`)
  }
  if (padding.length > x.rank) {
    throw new InvalidArgumentError(
      'pad',
      'padding',
      `must have at most one pair per dim (${x.rank}), got ${padding.length}`,
    )
  }
  let out = x
  padding.forEach(([before, after], axis) => {
    if (![before, after].every((p) => Number.isInteger(p) && p >= 0)) {
      throw new InvalidArgumentError(
        'pad',
        `padding[${axis}]`,
        `must be integers >= 0, got [${before},${after}]`,
      )
    }
    if (before === 0 && after === 0) return
    const n = out.shape[axis]
    const parts: Tensor[] = []
    if (mode === 'constant') {
      const fill = (count: number): Tensor =>
        full(
          out.shape.map((d, i) => (i === axis ? count : d)),
          options.value ?? 0,
          { backend: x.backend, dtype: x.dtype },
        )
      if (before > 0) parts.push(fill(before))
      parts.push(out)
      if (after > 0) parts.push(fill(after))
    } else {
      if (before >= n || after >= n) {
        throw new InvalidArgumentError(
          'pad',
          `padding[${axis}]`,
          `must be < the axis length ${n} in reflect mode, got [${before},${after}]`,
        )
      }
      // a negative stop would count from the end, so "down to index 0 inclusive" is no stop
      const spec = (start: number, stop: number) =>
        out.shape.map((_, i) => (i === axis ? { start, stop: stop >= 0 ? stop : undefined, step: -1 } : null))
      if (before > 0) parts.push(slice(out, spec(before, 0)))
      parts.push(out)
      if (after > 0) parts.push(slice(out, spec(n - 2, n - 2 - after)))
    }
    out = concat(parts, axis)
  })
  return out
}
