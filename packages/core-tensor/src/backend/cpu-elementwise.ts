/**
 * Elementwise kernels of the cpu backend over strided views, without a per-element offset
 * table. The views of one op are first collapsed together (size-1 dims dropped, adjacent dims
 * merged where every operand is contiguous across them), so a contiguous tensor, a scalar
 * broadcast (all strides 0) or a transposed matrix becomes one or two dims; then the kernel
 * walks runs of the innermost dim, each starting at an offset from the outer dims' odometer.
 * The inner loops are specialised on unit and zero strides, the cases training steps hit:
 * `x op scalar`, `x op row` (bias) and contiguous operands.
 */
import type { BinaryOp } from './spec'
import { stridedOffsets } from './strided'

type Data = Float32Array | Float64Array | Int32Array | Uint8Array

/**
 * The collapsed common layout of views of one shape: `shape` and one stride list per operand,
 * describing the same elements in the same row-major order with as few dims as possible.
 *
 * @param shape - the views' shared shape
 * @param stridesList - each view's strides
 * @returns the collapsed shape (rank 0 for a single element) and strides
 */
export function collapseDims(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = []
  const outStrides: number[][] = stridesList.map(() => [])
  // Walk from the innermost dim out; `outShape` is built reversed, then flipped.
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]
    if (size === 1) continue
    const last = outShape.length - 1
    // dim d merges into the one inside it when, for every operand, stepping d once equals
    // stepping the inner dim through its whole extent.
    if (last >= 0 && stridesList.every((s, o) => s[d] === outStrides[o][last] * outShape[last])) {
      outShape[last] *= size
      continue
    }
    outShape.push(size)
    stridesList.forEach((s, o) => outStrides[o].push(s[d]))
  }
  outShape.reverse()
  for (const s of outStrides) s.reverse()
  return { shape: outShape, strides: outStrides }
}

/**
 * Runs of the innermost dim: `length` and `step` per operand, and per run the start offset of
 * every operand (`starts[o][r]`). A rank-0 layout is one run of length 1.
 */
export interface Runs {
  length: number
  steps: number[]
  starts: Int32Array[]
}

/**
 * Splits views of one shape into runs of their (collapsed) innermost dim.
 *
 * @param shape - the shared shape
 * @param views - each operand's strides and offset
 * @returns the runs
 */
export function innerRuns(
  shape: readonly number[],
  views: readonly { strides: readonly number[]; offset: number }[],
): Runs {
  const { shape: cs, strides } = collapseDims(
    shape,
    views.map((v) => v.strides),
  )
  const r = cs.length
  if (r === 0) {
    return { length: 1, steps: views.map(() => 0), starts: views.map((v) => Int32Array.of(v.offset)) }
  }
  const outer = cs.slice(0, r - 1)
  return {
    length: cs[r - 1],
    steps: strides.map((s) => s[r - 1]),
    starts: views.map((v, o) => stridedOffsets(outer, strides[o].slice(0, r - 1), v.offset)),
  }
}

/**
 * Copies a strided view's elements, in row-major order, into `out` (of the view's size).
 *
 * @param src - the buffer's data
 * @param view - shape, strides and offset
 * @param out - destination, written from index 0
 */
export function gatherStrided(
  src: Data,
  view: { shape: readonly number[]; strides: readonly number[]; offset: number },
  out: Data,
): void {
  const { length, steps, starts } = innerRuns(view.shape, [view])
  const step = steps[0]
  const s0 = starts[0]
  let o = 0
  for (let run = 0; run < s0.length; run++) {
    let p = s0[run]
    if (step === 1) {
      out.set(src.subarray(p, p + length), o)
      o += length
    } else {
      for (let i = 0; i < length; i++, p += step) out[o++] = src[p]
    }
  }
}

/** `out[o + i] = a[pa + i·sa] op b[pb + i·sb]` for i < n, for the four arithmetic ops. */
// eslint-disable-next-line max-params -- hot inner loop: plain arguments keep it allocation-free
function arithmeticRun(
  op: 'add' | 'sub' | 'mul' | 'div',
  a: Data,
  pa: number,
  sa: number,
  b: Data,
  pb: number,
  sb: number,
  out: Data,
  o: number,
  n: number,
): void {
  const end = o + n
  if (sa === 1 && sb === 1) {
    const d = pb - o
    const e = pa - o
    switch (op) {
      case 'add':
        for (let i = o; i < end; i++) out[i] = a[i + e] + b[i + d]
        return
      case 'sub':
        for (let i = o; i < end; i++) out[i] = a[i + e] - b[i + d]
        return
      case 'mul':
        for (let i = o; i < end; i++) out[i] = a[i + e] * b[i + d]
        return
      default:
        for (let i = o; i < end; i++) out[i] = a[i + e] / b[i + d]
        return
    }
  }
  if (sb === 0) {
    const v = b[pb]
    switch (op) {
      case 'add':
        for (let i = o, p = pa; i < end; i++, p += sa) out[i] = a[p] + v
        return
      case 'sub':
        for (let i = o, p = pa; i < end; i++, p += sa) out[i] = a[p] - v
        return
      case 'mul':
        for (let i = o, p = pa; i < end; i++, p += sa) out[i] = a[p] * v
        return
      default:
        for (let i = o, p = pa; i < end; i++, p += sa) out[i] = a[p] / v
        return
    }
  }
  if (sa === 0) {
    const v = a[pa]
    switch (op) {
      case 'add':
        for (let i = o, p = pb; i < end; i++, p += sb) out[i] = v + b[p]
        return
      case 'sub':
        for (let i = o, p = pb; i < end; i++, p += sb) out[i] = v - b[p]
        return
      case 'mul':
        for (let i = o, p = pb; i < end; i++, p += sb) out[i] = v * b[p]
        return
      default:
        for (let i = o, p = pb; i < end; i++, p += sb) out[i] = v / b[p]
        return
    }
  }
  switch (op) {
    case 'add':
      for (let i = o, p = pa, q = pb; i < end; i++, p += sa, q += sb) out[i] = a[p] + b[q]
      return
    case 'sub':
      for (let i = o, p = pa, q = pb; i < end; i++, p += sa, q += sb) out[i] = a[p] - b[q]
      return
    case 'mul':
      for (let i = o, p = pa, q = pb; i < end; i++, p += sa, q += sb) out[i] = a[p] * b[q]
      return
    default:
      for (let i = o, p = pa, q = pb; i < end; i++, p += sa, q += sb) out[i] = a[p] / b[q]
  }
}

/**
 * `out[i] = a[i] op b[i]` over two strided views of one shape; `f` is the op's scalar
 * function, used for the ops without a specialised loop.
 *
 * @param op - the binary op
 * @param f - its scalar function
 * @param operands - the two views with their data, and the contiguous output
 */
export function binaryStrided(
  op: BinaryOp,
  f: (x: number, y: number) => number,
  operands: {
    shape: readonly number[]
    a: { data: Data; strides: readonly number[]; offset: number }
    b: { data: Data; strides: readonly number[]; offset: number }
    out: Data
  },
): void {
  const { shape, a, b, out } = operands
  const { length, steps, starts } = innerRuns(shape, [a, b])
  const [sa, sb] = steps
  const [aStarts, bStarts] = starts
  const ad = a.data
  const bd = b.data
  const arithmetic = op === 'add' || op === 'sub' || op === 'mul' || op === 'div'
  for (let run = 0, o = 0; run < aStarts.length; run++, o += length) {
    if (arithmetic) {
      arithmeticRun(op, ad, aStarts[run], sa, bd, bStarts[run], sb, out, o, length)
      continue
    }
    for (let i = 0, p = aStarts[run], q = bStarts[run]; i < length; i++, p += sa, q += sb) {
      out[o + i] = f(ad[p], bd[q])
    }
  }
}

/**
 * `out[i] = cond[i] ? a[i] : b[i]` over three strided views of one shape.
 *
 * @param operands - the views with their data, and the contiguous output
 */
export function whereStrided(operands: {
  shape: readonly number[]
  cond: { data: Data; strides: readonly number[]; offset: number }
  a: { data: Data; strides: readonly number[]; offset: number }
  b: { data: Data; strides: readonly number[]; offset: number }
  out: Data
}): void {
  const { shape, cond, a, b, out } = operands
  const { length, steps, starts } = innerRuns(shape, [cond, a, b])
  const [sc, sa, sb] = steps
  const [cStarts, aStarts, bStarts] = starts
  const cd = cond.data
  const ad = a.data
  const bd = b.data
  for (let run = 0, o = 0; run < cStarts.length; run++, o += length) {
    const end = o + length
    let c = cStarts[run]
    let p = aStarts[run]
    let q = bStarts[run]
    if (sb === 0) {
      // relu's pattern: where(x > 0, x, 0)
      const v = bd[q]
      for (let i = o; i < end; i++, c += sc, p += sa) out[i] = cd[c] ? ad[p] : v
    } else if (sa === 0) {
      const v = ad[p]
      for (let i = o; i < end; i++, c += sc, q += sb) out[i] = cd[c] ? v : bd[q]
    } else {
      for (let i = o; i < end; i++, c += sc, p += sa, q += sb) out[i] = cd[c] ? ad[p] : bd[q]
    }
  }
}

/**
 * Sums a strided view over `axes` (sorted, distinct) into `out` (the kept dims in order):
 * for each output, the reduced elements are added in row-major order of the reduced dims,
 * run by run, in float64 and stored once, the order and arithmetic of the host kernel.
 *
 * @param src - the buffer's data
 * @param view - shape, strides and offset
 * @param axes - the reduced dims
 * @param out - one slot per kept element
 */
export function sumStrided(
  src: Data,
  view: { shape: readonly number[]; strides: readonly number[]; offset: number },
  axes: readonly number[],
  out: Data,
): void {
  const keptShape: number[] = []
  const keptStrides: number[] = []
  const redShape: number[] = []
  const redStrides: number[] = []
  view.shape.forEach((d, i) => {
    if (axes.includes(i)) {
      redShape.push(d)
      redStrides.push(view.strides[i])
    } else {
      keptShape.push(d)
      keptStrides.push(view.strides[i])
    }
  })
  const bases = stridedOffsets(keptShape, keptStrides, view.offset)
  const { length, steps, starts } = innerRuns(redShape, [{ strides: redStrides, offset: 0 }])
  const step = steps[0]
  const runStarts = starts[0]
  const empty = redShape.some((d) => d === 0)
  for (let o = 0; o < bases.length; o++) {
    let acc = 0
    if (!empty) {
      const base = bases[o]
      for (let r = 0; r < runStarts.length; r++) {
        let p = base + runStarts[r]
        if (step === 1) for (let i = 0; i < length; i++) acc += src[p + i]
        else for (let i = 0; i < length; i++, p += step) acc += src[p]
      }
    }
    out[o] = acc
  }
}
