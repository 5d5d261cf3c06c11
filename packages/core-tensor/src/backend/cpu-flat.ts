/**
 * Elementwise fast paths of the cpu backend for "flat" operands: each one either contiguous
 * or a single broadcast value (every stride 0). These are the patterns of activations and
 * their gradients: `x > 0` and `where(x > 0, x, 0)` (relu), `where(x > 0, x, a·x)` (leaky
 * relu), `where(mask, g, 0)` (their backward passes). Each loop takes concrete typed arrays,
 * so V8 keeps it monomorphic, and none branches on the data: comparisons store `+(a < b)`
 * and `where` selects bits under a mask (a ternary on random signs mispredicts about every
 * other element: 11-15 ns per element against 3-4 measured on one loaded core).
 */
import type { BinaryOp, StridedView } from './spec'
import { isContiguous } from './strided'

/** How a flat operand is read: `step` 1 (contiguous from `offset`) or 0 (one value). */
export interface FlatOperand {
  readonly offset: number
  readonly step: 0 | 1
}

/** The operand's flat reading, or null when it is neither contiguous nor a broadcast value. */
export function flatOperand(view: StridedView): FlatOperand | null {
  if (view.strides.every((s, d) => s === 0 || view.shape[d] === 1)) return { offset: view.offset, step: 0 }
  return isContiguous(view.shape, view.strides) ? { offset: view.offset, step: 1 } : null
}

/**
 * `out[i] = a[i] op b[i]` for the comparisons on float32 operands, 1 or 0 in a bool array.
 *
 * @returns false for an op that is not a comparison (the caller takes another path)
 */
// eslint-disable-next-line max-params -- hot loop: plain arguments keep it allocation-free
export function compareFlatF32(
  op: BinaryOp,
  a: Float32Array,
  fa: FlatOperand,
  b: Float32Array,
  fb: FlatOperand,
  out: Uint8Array,
): boolean {
  const n = out.length
  const pa = fa.offset
  const pb = fb.offset
  if (fa.step === 0 && fb.step === 1) {
    // `greater(x, c)` is `cmplt(c, x)`: the scalar comes first
    const v = a[pa]
    switch (op) {
      case 'cmplt':
        for (let i = 0; i < n; i++) out[i] = +(v < b[pb + i])
        return true
      case 'cmple':
        for (let i = 0; i < n; i++) out[i] = +(v <= b[pb + i])
        return true
      case 'cmpeq':
        for (let i = 0; i < n; i++) out[i] = +(v === b[pb + i])
        return true
      case 'cmpne':
        for (let i = 0; i < n; i++) out[i] = +(v !== b[pb + i])
        return true
      default:
        return false
    }
  }
  if (fa.step === 1 && fb.step === 0) {
    const v = b[pb]
    switch (op) {
      case 'cmplt':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] < v)
        return true
      case 'cmple':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] <= v)
        return true
      case 'cmpeq':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] === v)
        return true
      case 'cmpne':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] !== v)
        return true
      default:
        return false
    }
  }
  if (fa.step === 1 && fb.step === 1) {
    switch (op) {
      case 'cmplt':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] < b[pb + i])
        return true
      case 'cmple':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] <= b[pb + i])
        return true
      case 'cmpeq':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] === b[pb + i])
        return true
      case 'cmpne':
        for (let i = 0; i < n; i++) out[i] = +(a[pa + i] !== b[pb + i])
        return true
      default:
        return false
    }
  }
  return false
}

/** The raw bits of float32 data, to select values without a branch. */
const bitsOf = (x: Float32Array): Int32Array => new Int32Array(x.buffer, x.byteOffset, x.length)

/**
 * `out[i] = cond[i] ? a[i] : b[i]` for a contiguous bool condition and flat float32 branches.
 * Selects bit patterns with a mask, `(a & m) | (b & ~m)` for `m = −cond` (all ones or zero),
 * which copies every value exactly (NaN payloads, −0) and never branches: a data-dependent
 * branch mispredicts on about half of a relu's elements and cost 3-4x the masked loop.
 */
// eslint-disable-next-line max-params -- hot loop: plain arguments keep it allocation-free
export function whereFlatF32(
  cond: Uint8Array,
  c0: number,
  a: Float32Array,
  fa: FlatOperand,
  b: Float32Array,
  fb: FlatOperand,
  out: Float32Array,
): void {
  const n = out.length
  const ai = bitsOf(a)
  const bi = bitsOf(b)
  const oi = bitsOf(out)
  const pa = fa.offset
  const pb = fb.offset
  if (fa.step === 1 && fb.step === 0) {
    const v = bi[pb]
    for (let i = 0; i < n; i++) {
      const m = -cond[c0 + i]
      oi[i] = (ai[pa + i] & m) | (v & ~m)
    }
  } else if (fa.step === 0 && fb.step === 1) {
    const v = ai[pa]
    for (let i = 0; i < n; i++) {
      const m = -cond[c0 + i]
      oi[i] = (v & m) | (bi[pb + i] & ~m)
    }
  } else if (fa.step === 1 && fb.step === 1) {
    for (let i = 0; i < n; i++) {
      const m = -cond[c0 + i]
      oi[i] = (ai[pa + i] & m) | (bi[pb + i] & ~m)
    }
  } else {
    const va = ai[pa]
    const vb = bi[pb]
    for (let i = 0; i < n; i++) {
      const m = -cond[c0 + i]
      oi[i] = (va & m) | (vb & ~m)
    }
  }
}
