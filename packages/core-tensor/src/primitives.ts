/**
 * Primitive applications (internal): each calls one backend kernel or builds one view, wraps
 * the result as a tensor and, when a gradient tape watches one of the inputs, records itself
 * so that `autodiff/rules.ts` can differentiate it. Composed ops in `src/ops/` are written
 * against these functions only; inputs have been validated by the caller.
 */
import type { BinaryOp, Conv2dParams, Pool2dParams, ReduceOp, UnaryOp } from './backend/spec'
import { rowMajorStrides, sizeOf } from './backend/strided'
import type { DType } from './dtype'
import { BackendMismatchError } from './errors'
import { runtime } from './runtime'
import { Tensor, tensorFromHandle } from './tensor'

/** Names of the primitives; each has one gradient rule in autodiff/rules.ts. */
export type PrimitiveName =
  | `unary.${UnaryOp}`
  | `binary.${BinaryOp}`
  | 'where'
  | `reduce.${ReduceOp}`
  | 'cast'
  | 'contiguous'
  | 'concat'
  | 'gather'
  | 'scatterAdd'
  | 'matmul'
  | 'conv2d'
  | 'softmax'
  | 'conv2dBackwardInput'
  | 'conv2dBackwardFilter'
  | 'reshape'
  | 'permute'
  | 'expand'
  | 'slice'
  | 'identity'

/** Records the application on every active tape that watches one of the inputs. */
function record(
  primitive: PrimitiveName,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: Record<string, unknown> = {},
): Tensor {
  if (runtime.noGradDepth > 0) return output
  for (const tape of runtime.tapes) {
    if (inputs.some((t) => tape.watched.has(t.id))) {
      tape.nodes.push({ primitive, inputs, output, attrs })
      tape.watched.add(output.id)
      for (const t of inputs) tape.held.add(t)
      tape.held.add(output)
    }
  }
  return output
}

/** Throws BackendMismatchError unless every input lives on one backend. */
export function sameBackend(op: string, inputs: readonly Tensor[]): void {
  const first = inputs[0].backend
  for (const t of inputs) {
    t.assertLive(op)
    if (t.backend !== first) throw new BackendMismatchError(op, [first.name, t.backend.name])
  }
}

export function unaryP(op: UnaryOp, x: Tensor): Tensor {
  const out = tensorFromHandle(x.backend, x.backend.unary(op, x.view(op)), x.shape, x.dtype)
  return record(`unary.${op}`, [x], out)
}

export function binaryP(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  sameBackend(op, [a, b])
  const dtype: DType = op.startsWith('cmp') ? 'bool' : a.dtype
  const out = tensorFromHandle(a.backend, a.backend.binary(op, a.view(op), b.view(op)), a.shape, dtype)
  return record(`binary.${op}`, [a, b], out)
}

export function whereP(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  sameBackend('where', [cond, a, b])
  const handle = a.backend.where(cond.view('where'), a.view('where'), b.view('where'))
  return record('where', [cond, a, b], tensorFromHandle(a.backend, handle, a.shape, a.dtype))
}

/** Reduces over sorted distinct `axes`; the output drops them. */
export function reduceP(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  const shape = x.shape.filter((_, d) => !axes.includes(d))
  const handle = x.backend.reduce(op, x.view(op), axes)
  return record(`reduce.${op}`, [x], tensorFromHandle(x.backend, handle, shape, x.dtype), { axes })
}

export function castP(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x
  const out = tensorFromHandle(x.backend, x.backend.cast(x.view('cast'), dtype), x.shape, dtype)
  return record('cast', [x], out)
}

export function contiguousP(x: Tensor): Tensor {
  const out = tensorFromHandle(x.backend, x.backend.contiguous(x.view('contiguous')), x.shape, x.dtype)
  return record('contiguous', [x], out)
}

export function concatP(inputs: readonly Tensor[], axis: number): Tensor {
  sameBackend('concat', inputs)
  const first = inputs[0]
  const shape = [...first.shape]
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0)
  const handle = first.backend.concat(
    inputs.map((t) => t.view('concat')),
    axis,
  )
  return record('concat', inputs, tensorFromHandle(first.backend, handle, shape, first.dtype), { axis })
}

/** `out[..., j, ...] = x[..., indices[j], ...]`; `indices` is 1-D int32, already in range. */
export function gatherP(x: Tensor, indices: Tensor, axis: number): Tensor {
  sameBackend('gather', [x, indices])
  const shape = [...x.shape]
  shape[axis] = indices.size
  const handle = x.backend.gather(x.view('gather'), indices.view('gather'), axis)
  return record('gather', [x, indices], tensorFromHandle(x.backend, handle, shape, x.dtype), { axis })
}

/** Adjoint of gatherP: zeros with `axis` resized to `size`, then += x rows at `indices`. */
export function scatterAddP(x: Tensor, indices: Tensor, axis: number, size: number): Tensor {
  sameBackend('scatterAdd', [x, indices])
  const shape = [...x.shape]
  shape[axis] = size
  const handle = x.backend.scatterAdd(x.view('scatterAdd'), indices.view('scatterAdd'), axis, size)
  return record('scatterAdd', [x, indices], tensorFromHandle(x.backend, handle, shape, x.dtype), {
    axis,
    size,
  })
}

/**
 * Batched matmul of `a`: [...batch, M, K] and `b`: [...batch, K, N] with equal batch shapes.
 * Uses the backend's fused kernel; without one, composes broadcast-multiply and sum.
 */
export function matmulP(a: Tensor, b: Tensor): Tensor {
  sameBackend('matmul', [a, b])
  const fused = a.backend.fused?.matmul
  const rank = a.rank
  if (fused === undefined) {
    // a[..., M, K, 1] * b[..., 1, K, N] summed over K
    const m = a.shape[rank - 2]
    const k = a.shape[rank - 1]
    const n = b.shape[rank - 1]
    const batch = a.shape.slice(0, rank - 2)
    const a4 = expandP(reshapeP(a, [...batch, m, k, 1]), [...batch, m, k, n])
    const b4 = expandP(reshapeP(b, [...batch, 1, k, n]), [...batch, m, k, n])
    return reduceP('sum', binaryP('mul', a4, b4), [rank - 1])
  }
  const shape = [...a.shape.slice(0, rank - 1), b.shape[rank - 1]]
  const handle = fused(a.view('matmul'), b.view('matmul'))
  return record('matmul', [a, b], tensorFromHandle(a.backend, handle, shape, a.dtype))
}

/**
 * The backend's fused 2-D convolution of `x`: [N, C, H, W] and `w`: [O, C/groups, kH, kW]
 * with normalised params and an already computed output shape, or null when the backend has
 * no fused kernel (the caller composes it instead). Its gradient rule is written with
 * convolutions of the other operand (autodiff/rules.ts).
 */
export function fusedConv2dP(
  x: Tensor,
  w: Tensor,
  params: Conv2dParams,
  outShape: readonly number[],
): Tensor | null {
  sameBackend('conv2d', [x, w])
  const fused = x.backend.fused?.conv2d
  if (fused === undefined) return null
  const handle = fused(x.view('conv2d'), w.view('conv2d'), params)
  return record('conv2d', [x, w], tensorFromHandle(x.backend, handle, outShape, x.dtype), { params })
}

/**
 * The backend's fused softmax along `axis` (float32 x, rows of at most 1024), or null when it
 * has none. Recorded as one primitive, whose gradient rule uses the output.
 */
export function fusedSoftmaxP(x: Tensor, axis: number): Tensor | null {
  const fused = x.backend.fused?.softmax
  if (fused === undefined || x.shape[axis] > 1024) return null
  const handle = fused(x.view('softmax'), axis)
  return record('softmax', [x], tensorFromHandle(x.backend, handle, x.shape, x.dtype), { axis })
}

/**
 * The backend's max-pooling argmax (int32 `[N·C·oH·oW]` flat indices into x), or null when it
 * has none. Integer indices carry no gradient, so nothing is recorded.
 */
export function maxPool2dArgmaxP(x: Tensor, params: Pool2dParams): Tensor | null {
  const fused = x.backend.fused?.maxPool2dArgmax
  if (fused === undefined) return null
  const [n, c] = x.shape
  const size = n * c * params.out[0] * params.out[1]
  return tensorFromHandle(x.backend, fused(x.view('maxPool2d'), params), [size], 'int32')
}

/**
 * The backend's fused input gradient of conv2d (`dx` of shape `xShape` from `dy` and `w`), or
 * null when it has none.
 */
export function fusedConv2dBackwardInputP(
  dy: Tensor,
  w: Tensor,
  params: Conv2dParams,
  xShape: readonly number[],
): Tensor | null {
  sameBackend('conv2d', [dy, w])
  const fused = dy.backend.fused?.conv2dBackwardInput
  if (fused === undefined) return null
  const handle = fused(dy.view('conv2d'), w.view('conv2d'), params, xShape)
  return record('conv2dBackwardInput', [dy, w], tensorFromHandle(dy.backend, handle, xShape, dy.dtype), {
    params,
  })
}

/**
 * The backend's fused filter gradient of conv2d (`dw` of shape `wShape` from `x` and `dy`), or
 * null when it has none.
 */
export function fusedConv2dBackwardFilterP(
  x: Tensor,
  dy: Tensor,
  params: Conv2dParams,
  wShape: readonly number[],
): Tensor | null {
  sameBackend('conv2d', [x, dy])
  const fused = x.backend.fused?.conv2dBackwardFilter
  if (fused === undefined) return null
  const handle = fused(x.view('conv2d'), dy.view('conv2d'), params, wShape)
  return record('conv2dBackwardFilter', [x, dy], tensorFromHandle(x.backend, handle, wShape, x.dtype), {
    params,
  })
}

/** A view sharing `x`'s buffer. */
function viewP(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  x.assertLive('view')
  return new Tensor(x.storage, x.dtype, [...shape], [...strides], offset)
}

/**
 * Strides that view `shape`'s elements as `newShape` without moving data, or null when no such
 * strides exist (NumPy's `_attempt_nocopy_reshape`): each group of old dims that merges into
 * or splits from new dims must itself be contiguous.
 */
export function reshapeStrides(
  shape: readonly number[],
  strides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (sizeOf(shape) === 0) return rowMajorStrides(newShape)
  const oldDims: number[] = []
  const oldStrides: number[] = []
  shape.forEach((d, i) => {
    if (d !== 1) {
      oldDims.push(d)
      oldStrides.push(strides[i])
    }
  })
  const newStrides = new Array<number>(newShape.length).fill(0)
  let oi = 0
  let oj = 1
  let ni = 0
  let nj = 1
  while (ni < newShape.length && oi < oldDims.length) {
    let np = newShape[ni]
    let op = oldDims[oi]
    while (np !== op) {
      if (np < op) np *= newShape[nj++]
      else op *= oldDims[oj++]
    }
    for (let ok = oi; ok < oj - 1; ok++) {
      if (oldStrides[ok] !== oldDims[ok + 1] * oldStrides[ok + 1]) return null
    }
    newStrides[nj - 1] = oldStrides[oj - 1]
    for (let nk = nj - 1; nk > ni; nk--) newStrides[nk - 1] = newStrides[nk] * newShape[nk]
    ni = nj++
    oi = oj++
  }
  for (let nk = ni; nk < newShape.length; nk++) newStrides[nk] = 1
  return newStrides
}

/**
 * Reshape: a view when the strides allow it, else a contiguous copy first (case H3:
 * transposed, strided-slice and expanded views are read in logical order, never in memory
 * order).
 */
export function reshapeP(x: Tensor, shape: readonly number[]): Tensor {
  const strides = reshapeStrides(x.shape, x.strides, shape)
  if (strides === null) {
    const copy = contiguousP(x)
    return record('reshape', [copy], viewP(copy, shape, rowMajorStrides(shape), copy.offset), {
      shape: copy.shape,
    })
  }
  return record('reshape', [x], viewP(x, shape, strides, x.offset), { shape: x.shape })
}

export function permuteP(x: Tensor, perm: readonly number[]): Tensor {
  const out = viewP(
    x,
    perm.map((p) => x.shape[p]),
    perm.map((p) => x.strides[p]),
    x.offset,
  )
  return record('permute', [x], out, { perm })
}

/** Expand dims of size 1 to `shape` (same rank) with stride 0. */
export function expandP(x: Tensor, shape: readonly number[]): Tensor {
  const strides = x.strides.map((s, d) => (x.shape[d] === 1 && shape[d] !== 1 ? 0 : s))
  return record('expand', [x], viewP(x, shape, strides, x.offset), { shape: x.shape })
}

/** One axis of a slice: `size` elements starting at `start`, every `step` (may be negative). */
export interface SliceAxis {
  start: number
  step: number
  size: number
}

/** Strided slice, one entry per axis, already normalised and in range. */
export function sliceP(x: Tensor, axes: readonly SliceAxis[]): Tensor {
  let offset = x.offset
  const strides: number[] = []
  const shape: number[] = []
  axes.forEach((a, d) => {
    if (a.size > 0) offset += a.start * x.strides[d]
    strides.push(x.strides[d] * a.step)
    shape.push(a.size)
  })
  return record('slice', [x], viewP(x, shape, strides, offset), { axes, shape: x.shape })
}

/** A view recorded as identity (used by stopGradient's counterpart and by tests). */
export function identityP(x: Tensor): Tensor {
  return record('identity', [x], viewP(x, x.shape, x.strides, x.offset))
}

/** A view of `x` that no tape records: gradients do not flow through it. */
export function detachP(x: Tensor): Tensor {
  return viewP(x, x.shape, x.strides, x.offset)
}

/** A new tensor from values on `backend`, contiguous. */
export function constantP(
  backend: Tensor['backend'],
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  return tensorFromHandle(backend, backend.allocate(dtype, values.length, values), shape, dtype)
}

/** A zero-filled tensor. */
export function zerosP(backend: Tensor['backend'], shape: readonly number[], dtype: DType): Tensor {
  let size = 1
  for (const d of shape) size *= d
  return tensorFromHandle(backend, backend.allocate(dtype, size), shape, dtype)
}
