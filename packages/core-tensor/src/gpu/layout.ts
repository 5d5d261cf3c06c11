/**
 * Strided views as gpu.js kernels read them: a view is coalesced to the fewest dims that map a
 * logical row-major index to a buffer offset, then packed into 17 floats
 * `[offset, shape_0..7, strides_0..7]` (leading dims padded with shape 1, stride 0).
 */
import { GenError } from '../errors'
import type { StridedView } from '../backend/spec'

/** Most dims a kernel walks after coalescing. */
export const MAX_RANK = 8
/** Floats one packed view takes in a kernel's parameter array. */
export const VIEW_FLOATS = 1 + 2 * MAX_RANK

/** A view reduced to the dims that matter: size-1 dims dropped, mergeable neighbours merged. */
export interface Layout {
  readonly shape: number[]
  readonly strides: number[]
  readonly offset: number
}

/**
 * Drops size-1 dims and merges dim k into k+1 where `strides[k] = strides[k+1]·shape[k+1]`.
 * The map from logical row-major index to offset is unchanged.
 */
export function coalesce(shape: readonly number[], strides: readonly number[], offset: number): Layout {
  const outShape: number[] = []
  const outStrides: number[] = []
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue
    const last = outShape.length - 1
    if (last >= 0 && outStrides[last] === strides[d] * shape[d]) {
      outShape[last] *= shape[d]
      outStrides[last] = strides[d]
    } else {
      outShape.push(shape[d])
      outStrides.push(strides[d])
    }
  }
  return { shape: outShape, strides: outStrides, offset }
}

/** The layout of a view. */
export function layoutOf(view: StridedView): Layout {
  return coalesce(view.shape, view.strides, view.offset)
}

/** True when the kernel can address the layout as `offset + i·stride` (rank <= 1). */
export function isFlat(layout: Layout): boolean {
  return layout.shape.length <= 1
}

/** The stride of a flat layout (0 for a scalar). */
export function flatStride(layout: Layout): number {
  return layout.shape.length === 0 ? 0 : layout.strides[0]
}

/**
 * Writes a layout into `out` at `at`: offset, then MAX_RANK shapes, then MAX_RANK strides.
 *
 * @throws GenError when the view still has more than MAX_RANK dims after coalescing
 */
export function packLayout(layout: Layout, out: Float32Array, at: number): void {
  const rank = layout.shape.length
  if (rank > MAX_RANK) {
    throw new GenError(`gpu: views may have at most ${MAX_RANK} non-mergeable dims, got ${rank}`)
  }
  out[at] = layout.offset
  const pad = MAX_RANK - rank
  for (let d = 0; d < MAX_RANK; d++) {
    out[at + 1 + d] = d < pad ? 1 : layout.shape[d - pad]
    out[at + 1 + MAX_RANK + d] = d < pad ? 0 : layout.strides[d - pad]
  }
}

/**
 * gpu.js source that sets `name` to the buffer offset of logical index `index` in the view
 * packed at `p[base]`. Flat views take `offset + index·stride` (their stride at `p[base + 1]`);
 * the general case peels dims from the innermost with an exact integer division (a float
 * quotient corrected by one step either way, so it is exact below 2^24).
 */
export function offsetCode(name: string, index: string, base: number, flat: boolean): string {
  if (flat) return `let ${name} = p[${base}] + (${index}) * p[${base + 1}]\n`
  const rem = `${name}_rem`
  return `let ${name} = p[${base}]
let ${rem} = ${index}
for (let ${name}_e = 0; ${name}_e < ${MAX_RANK}; ${name}_e++) {
  const ${name}_s = p[${base + MAX_RANK} - ${name}_e]
  let ${name}_q = Math.floor(${rem} / ${name}_s)
  let ${name}_r = ${rem} - ${name}_q * ${name}_s
  if (${name}_r < 0) { ${name}_q = ${name}_q - 1; ${name}_r = ${name}_r + ${name}_s }
  if (${name}_r >= ${name}_s) { ${name}_q = ${name}_q + 1; ${name}_r = ${name}_r - ${name}_s }
  ${name} = ${name} + ${name}_r * p[${base + 2 * MAX_RANK} - ${name}_e]
  ${rem} = ${name}_q
}
`
}

/** Packs a flat layout (offset, stride) or a general one at `p[base]`. */
export function packView(layout: Layout, out: Float32Array, at: number): void {
  if (isFlat(layout)) {
    out[at] = layout.offset
    out[at + 1] = flatStride(layout)
    return
  }
  packLayout(layout, out, at)
}

/**
 * gpu.js source for an exact integer quotient and remainder of non-negative integers held in
 * floats: `q = ⌊a / b⌋`, `r = a − q·b`, corrected by one step either way.
 */
export function divCode(q: string, r: string, a: string, b: string): string {
  return `let ${q} = Math.floor((${a}) / (${b}))
let ${r} = (${a}) - ${q} * (${b})
if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + (${b}) }
if (${r} >= (${b})) { ${q} = ${q} + 1; ${r} = ${r} - (${b}) }
`
}
