/**
 * One vector-Jacobian rule per primitive (internal). A rule receives the recorded node and the
 * cotangent `g` of its output (same shape as the output) and returns one cotangent per input,
 * with that input's shape, or null for inputs that take no gradient (conditions, indices).
 *
 * Binary primitives see operands already broadcast by `expand`, whose rule sums the cotangent
 * back to the operand's own shape: that is how every broadcasting op gets case H2 right.
 */
import {
  binaryP,
  castP,
  constantP,
  gatherP,
  matmulP,
  permuteP,
  reshapeP,
  scatterAddP,
  sliceP,
  type SliceAxis,
  unaryP,
  whereP,
  expandP,
  reduceP,
} from '../primitives'
import type { Conv2dParams } from '../backend/spec'
import { conv2dCore, conv2dInputGrad, conv2dWeightGrad } from '../ops/conv-core'
import type { TapeNode } from '../runtime'
import type { Tensor } from '../tensor'

/** `needed[j]` says whether input j takes a gradient; a rule may return null for the others. */
type Rule = (node: TapeNode, g: Tensor, needed: readonly boolean[]) => (Tensor | null)[]

function like(value: number, t: Tensor): Tensor {
  return expandP(
    reshapeP(
      constantP(t.backend, [value], [], t.dtype),
      t.shape.map(() => 1),
    ),
    t.shape,
  )
}

const mul = (a: Tensor, b: Tensor): Tensor => binaryP('mul', a, b)
const div = (a: Tensor, b: Tensor): Tensor => binaryP('div', a, b)
const neg = (a: Tensor): Tensor => unaryP('neg', a)
const addScalar = (a: Tensor, v: number): Tensor => binaryP('add', a, like(v, a))
const mulScalar = (a: Tensor, v: number): Tensor => binaryP('mul', a, like(v, a))

/** Sums `g` over the dims where `shape` has 1 and `g` does not (same rank), keeping them. */
function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const axes: number[] = []
  shape.forEach((d, i) => {
    if (d === 1 && g.shape[i] !== 1) axes.push(i)
  })
  if (axes.length === 0) return g
  return reshapeP(reduceP('sum', g, axes), shape)
}

/** Re-inserts reduced axes as size 1 and broadcasts back to `shape`. */
function unreduce(g: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d))
  return expandP(reshapeP(g, kept), shape)
}

/** Weight of the first operand of max/min: 1 where it wins, ½ on ties, 0 where it loses. */
function winnerWeight(a: Tensor, b: Tensor, op: 'max' | 'min'): Tensor {
  const wins = op === 'max' ? binaryP('cmplt', b, a) : binaryP('cmplt', a, b)
  const ties = binaryP('cmpeq', a, b)
  return whereP(wins, like(1, a), whereP(ties, like(0.5, a), like(0, a)))
}

function transposeLast(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i)
  const r = t.rank
  perm[r - 2] = r - 1
  perm[r - 1] = r - 2
  return permuteP(t, perm)
}

function extremeRule(node: TapeNode, g: Tensor): (Tensor | null)[] {
  const [x] = node.inputs
  const axes = node.attrs.axes as number[]
  const out = unreduce(node.output, x.shape, axes)
  const mask = castP(binaryP('cmpeq', x, out), x.dtype)
  const count = unreduce(reduceP('sum', mask, axes), x.shape, axes)
  return [div(mul(mask, unreduce(g, x.shape, axes)), count)]
}

export const rules: Record<string, Rule> = {
  'unary.neg': (_, g) => [neg(g)],
  'unary.abs': (n, g) => [mul(g, unaryP('sign', n.inputs[0]))],
  'unary.sign': () => [null],
  'unary.floor': () => [null],
  'unary.exp': (n, g) => [mul(g, n.output)],
  'unary.expm1': (n, g) => [mul(g, addScalar(n.output, 1))],
  'unary.log': (n, g) => [div(g, n.inputs[0])],
  'unary.log1p': (n, g) => [div(g, addScalar(n.inputs[0], 1))],
  'unary.sin': (n, g) => [mul(g, unaryP('cos', n.inputs[0]))],
  'unary.cos': (n, g) => [neg(mul(g, unaryP('sin', n.inputs[0])))],
  'unary.tanh': (n, g) => [mul(g, binaryP('sub', like(1, n.output), mul(n.output, n.output)))],
  'unary.sqrt': (n, g) => [div(g, mulScalar(n.output, 2))],
  'unary.reciprocal': (n, g) => [neg(mul(g, mul(n.output, n.output)))],

  'binary.add': (_, g) => [g, g],
  'binary.sub': (_, g) => [g, neg(g)],
  'binary.mul': (n, g) => [mul(g, n.inputs[1]), mul(g, n.inputs[0])],
  // d(a/b)/db = -a/b² = -(a/b)/b
  'binary.div': (n, g) => [div(g, n.inputs[1]), neg(div(mul(g, n.output), n.inputs[1]))],
  'binary.pow': (n, g) => {
    const [a, b] = n.inputs
    const da = mul(g, mul(b, binaryP('pow', a, addScalar(b, -1))))
    // d(a^b)/db = a^b ln a, taken as 0 where a <= 0 (no real log there)
    const positive = binaryP('cmplt', like(0, a), a)
    const safeA = whereP(positive, a, like(1, a))
    const db = whereP(positive, mul(g, mul(n.output, unaryP('log', safeA))), like(0, a))
    return [da, db]
  },
  'binary.max': (n, g) => {
    const w = winnerWeight(n.inputs[0], n.inputs[1], 'max')
    return [mul(g, w), mul(g, binaryP('sub', like(1, w), w))]
  },
  'binary.min': (n, g) => {
    const w = winnerWeight(n.inputs[0], n.inputs[1], 'min')
    return [mul(g, w), mul(g, binaryP('sub', like(1, w), w))]
  },
  'binary.cmplt': () => [null, null],
  'binary.cmple': () => [null, null],
  'binary.cmpeq': () => [null, null],
  'binary.cmpne': () => [null, null],

  where: (n, g) => {
    const [cond] = n.inputs
    const zero = like(0, g)
    return [null, whereP(cond, g, zero), whereP(cond, zero, g)]
  },

  'reduce.sum': (n, g) => [unreduce(g, n.inputs[0].shape, n.attrs.axes as number[])],
  'reduce.max': extremeRule,
  'reduce.min': extremeRule,
  'reduce.prod': (n, g) => {
    const [x] = n.inputs
    const axes = n.attrs.axes as number[]
    return [div(mul(unreduce(g, x.shape, axes), unreduce(n.output, x.shape, axes)), x)]
  },

  cast: (n, g) => [n.inputs[0].dtype === 'float32' ? castP(g, 'float32') : null],
  contiguous: (_, g) => [g],
  identity: (_, g) => [g],
  reshape: (n, g) => [reshapeP(g, n.attrs.shape as number[])],
  permute: (n, g) => {
    const perm = n.attrs.perm as number[]
    return [
      permuteP(
        g,
        perm.map((_, i) => perm.indexOf(i)),
      ),
    ]
  },
  expand: (n, g) => [sumTo(g, n.attrs.shape as number[])],
  slice: (n, g) => {
    // Scatter the cotangent back axis by axis (positions start + i·step).
    const axes = n.attrs.axes as SliceAxis[]
    const shape = n.attrs.shape as number[]
    let out = g
    axes.forEach((a, d) => {
      if (a.step === 1 && a.start === 0 && a.size === shape[d]) return
      const positions = Int32Array.from({ length: a.size }, (_, i) => a.start + i * a.step)
      out = scatterAddP(out, constantP(g.backend, positions, [a.size], 'int32'), d, shape[d])
    })
    return [out]
  },
  concat: (n, g) => {
    const axis = n.attrs.axis as number
    let start = 0
    return n.inputs.map((t) => {
      const axes = g.shape.map((d, i) =>
        i === axis ? { start, step: 1, size: t.shape[axis] } : { start: 0, step: 1, size: d },
      )
      start += t.shape[axis]
      return sliceP(g, axes)
    })
  },
  gather: (n, g) => {
    const [x, indices] = n.inputs
    const axis = n.attrs.axis as number
    return [scatterAddP(g, indices, axis, x.shape[axis]), null]
  },
  scatterAdd: (n, g) => [gatherP(g, n.inputs[1], n.attrs.axis as number), null],
  matmul: (n, g) => {
    const [a, b] = n.inputs
    return [matmulP(g, transposeLast(b)), matmulP(transposeLast(a), g)]
  },
  // y = softmax(x): dx = y ⊙ (g − Σ_axis g ⊙ y), the sum broadcast back along the axis
  softmax: (n, g) => {
    const y = n.output
    const axis = n.attrs.axis as number
    const dot = unreduce(reduceP('sum', mul(g, y), [axis]), y.shape, [axis])
    return [mul(y, binaryP('sub', g, dot))]
  },
  // The fused convolution's cotangents are convolutions of the other operand, so they take
  // the fused path again (and are themselves differentiable).
  conv2d: (n, g, needed) => {
    const [x, w] = n.inputs
    const params = n.attrs.params as Conv2dParams
    return [
      needed[0] ? conv2dInputGrad(g, w, params, x.shape) : null,
      needed[1] ? conv2dWeightGrad(x, g, params, w.shape) : null,
    ]
  },
  // dx = Aᵀ(w)·dy is linear in each operand: ⟨dx, G⟩ = ⟨dy, conv2d(G, w)⟩
  conv2dBackwardInput: (n, g, needed) => {
    const [dy, w] = n.inputs
    const params = n.attrs.params as Conv2dParams
    return [
      needed[0] ? conv2dCore(g, w, params) : null,
      needed[1] ? conv2dWeightGrad(g, dy, params, w.shape) : null,
    ]
  },
  // ⟨dw, G⟩ = ⟨conv2d(x, G), dy⟩
  conv2dBackwardFilter: (n, g, needed) => {
    const [x, dy] = n.inputs
    const params = n.attrs.params as Conv2dParams
    return [
      needed[0] ? conv2dInputGrad(dy, g, params, x.shape) : null,
      needed[1] ? conv2dCore(x, g, params) : null,
    ]
  },
}
