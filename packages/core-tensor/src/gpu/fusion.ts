/**
 * Elementwise fusion for the gpu backend: a chain of elementwise primitives (unary, binary,
 * where, copies and casts) is held as an expression and compiled into one gpu.js kernel when
 * something needs its values, instead of one kernel launch and one device buffer per op.
 *
 * An expression is a tree of nodes; each node's arguments are edges, and each edge carries the
 * strided view (a `Layout`) through which the node reads its argument: for a leaf (a buffer on
 * the device) the view maps the node's element index to an offset in that buffer, for an
 * inner node it maps to the argument's own row-major element index. So views (transposes,
 * broadcasts, slices) between fused ops cost an index computation, not a copy. A scalar
 * constant is a `const` node whose value goes into the kernel's parameters.
 *
 * Every op computes in float32 as its own kernel would (`kernels.ts`), so a fused chain gives
 * the values of the unfused one (WGSL compilers may contract a·b + c into one fused
 * multiply-add, which rounds once instead of twice).
 */
import type { BinaryOp, UnaryOp } from '../backend/spec'
import { type Layout, VIEW_FLOATS, isFlat, offsetCode, packView } from './layout'

/** An elementwise op that fusion knows. */
export type FusedOp =
  | { readonly kind: 'unary'; readonly op: UnaryOp }
  | { readonly kind: 'binary'; readonly op: BinaryOp }
  | { readonly kind: 'where' }
  | { readonly kind: 'copy'; readonly to: 'same' | 'int32' | 'bool' }

/** An expression over leaves of type `TLeaf` (device buffers). */
export type Expr<TLeaf> =
  | { readonly kind: 'leaf'; readonly leaf: TLeaf }
  | { readonly kind: 'const'; readonly value: number }
  | ExprNode<TLeaf>

/** An op node: its op, its argument edges, and the size of its subtree. */
export interface ExprNode<TLeaf> {
  readonly kind: 'node'
  readonly op: FusedOp
  readonly args: readonly Edge<TLeaf>[]
  /** Op nodes in the subtree, this one included. */
  readonly nodes: number
  /** Leaf edges in the subtree (an upper bound on its distinct leaves). */
  readonly leafEdges: number
}

/** An argument: the view through which a node reads `target`. */
export interface Edge<TLeaf> {
  readonly layout: Layout
  readonly target: Expr<TLeaf>
}

/** Most op nodes one fused kernel holds. */
export const MAX_FUSED_NODES = 24
/** Most leaf edges (input reads) one fused kernel holds; distinct leaves are its inputs. */
export const MAX_FUSED_LEAVES = 6

/**
 * Ops in the assignment form fusion needs: `R` is the result, `A`, `B`, `C` the arguments
 * (where: C the condition, A and B the branches), `R_x` a temporary of this node. The same
 * formulas as the ops' own kernels (`kernels.ts`): expm1, log1p and tanh with their series near
 * 0. pow, not listed, runs as its own kernel.
 */
const unaryAssign: Partial<Record<UnaryOp, string>> = {
  neg: 'let R = -A',
  expm1:
    'let R = Math.exp(A) - 1\nif (Math.abs(A) < 0.01) { R = A * (1 + A * (0.5 + A * (0.16666666666666666 + A * 0.041666666666666664))) }',
  log1p:
    'let R = Math.log(1 + A)\nif (Math.abs(A) < 0.01) { R = A * (1 - A * (0.5 - A * (0.3333333333333333 - A * 0.25))) }',
  tanh: `const R_av = Math.abs(A)
let R_t = 0
if (R_av < 0.01) { R_t = R_av * (1 - R_av * R_av * (0.3333333333333333 - R_av * R_av * 0.13333333333333333)) } else {
  const R_e = Math.exp(-2 * R_av)
  R_t = (1 - R_e) / (1 + R_e)
}
let R = A
if (A < 0) { R = -R_t }
if (A > 0) { R = R_t }`,
  abs: 'let R = Math.abs(A)',
  sign: 'let R = A\nif (A > 0) { R = 1 }\nif (A < 0) { R = -1 }',
  floor: 'let R = Math.floor(A)',
  exp: 'let R = Math.exp(A)',
  log: 'let R = Math.log(A)',
  sin: 'let R = Math.sin(A)',
  cos: 'let R = Math.cos(A)',
  sqrt: 'let R = Math.sqrt(A)',
  reciprocal: 'let R = 1 / A',
}

/** max/min give NaN when either side is (as their kernels do, by returning a + b). */
const binaryAssign: Partial<Record<BinaryOp, string>> = {
  add: 'let R = A + B',
  sub: 'let R = A - B',
  mul: 'let R = A * B',
  div: 'let R = A / B',
  max: 'let R = B\nif (A > B) { R = A }\nif (A != A || B != B) { R = A + B }',
  min: 'let R = B\nif (A < B) { R = A }\nif (A != A || B != B) { R = A + B }',
  cmplt: 'let R = 0\nif (A < B) { R = 1 }',
  cmple: 'let R = 0\nif (A <= B) { R = 1 }',
  cmpeq: 'let R = 0\nif (A == B) { R = 1 }',
  cmpne: 'let R = 0\nif (A != B) { R = 1 }',
}

const copyAssign = {
  same: 'let R = A',
  int32: 'let R = Math.floor(A)\nif (A < 0) { R = -Math.floor(-A) }',
  bool: 'let R = 0\nif (A != 0) { R = 1 }',
} as const

function assignment(op: FusedOp): string | undefined {
  switch (op.kind) {
    case 'unary':
      return unaryAssign[op.op]
    case 'binary':
      return binaryAssign[op.op]
    case 'where':
      return 'let R = B\nif (C != 0) { R = A }'
    case 'copy':
      return copyAssign[op.to]
  }
}

/** True when `op` can be part of a fused kernel. */
export function isFusable(op: FusedOp): boolean {
  return assignment(op) !== undefined
}

function opName(op: FusedOp): string {
  return op.kind === 'where' ? 'where' : op.kind === 'copy' ? `copy.${op.to}` : op.op
}

/** An edge that reads its target element for element (the contiguous view of the same size). */
function isIdentity(layout: Layout): boolean {
  return (
    layout.offset === 0 && layout.shape.length <= 1 && (layout.shape.length === 0 || layout.strides[0] === 1)
  )
}

/** A compiled form of an expression: cache key, gpu.js source, its inputs and parameters. */
export interface FusedKernel<TLeaf> {
  /** The structure (ops, view kinds, which input each leaf is): equal keys, equal sources. */
  readonly key: string
  readonly source: string
  /** Distinct leaves in order of first use: the kernel's arguments before `p`. */
  readonly inputs: readonly TLeaf[]
  readonly params: Float32Array
}

/**
 * Compiles an expression into one gpu.js kernel: one thread per element of the root,
 * `out[i] = root(i)`. Leaves become arguments `in0, in1, ...`, views and constants go into `p`.
 *
 * @param root - the expression (an op node)
 * @returns the key, source, inputs and parameters
 * @example
 * ```ts
 * // relu(x) = where(x > 0, x, 0) over a contiguous x of n elements
 * const id = { shape: [n], strides: [1], offset: 0 }
 * const x = { kind: 'leaf', leaf: buffer } as const
 * const zero = { kind: 'const', value: 0 } as const
 * const gt = { kind: 'node', op: { kind: 'binary', op: 'cmplt' }, nodes: 1, leafEdges: 1,
 *   args: [{ layout: id, target: zero }, { layout: id, target: x }] } as const
 * compileFused({ kind: 'node', op: { kind: 'where' }, nodes: 2, leafEdges: 2,
 *   args: [{ layout: id, target: gt }, { layout: id, target: x }, { layout: id, target: zero }] })
 * ```
 */
export function compileFused<TLeaf>(root: ExprNode<TLeaf>): FusedKernel<TLeaf> {
  const inputs: TLeaf[] = []
  const inputIndex = new Map<TLeaf, number>()
  const params: number[] = []
  const views: { layout: Layout; at: number }[] = []
  const lines: string[] = []
  let next = 0
  // common subexpressions: a node or leaf read at the same index is emitted once (square(x)
  // is mul(x, x): x's chain runs once); the key names the first emission, so it fixes the source
  const emitted = new Map<unknown, Map<string, { name: string; key: string }>>()

  /** Emits code for `expr` at index variable `index` (a buffer offset for leaves); returns its value's name. */
  const emit = (expr: Expr<TLeaf>, index: string): { name: string; key: string } => {
    const identity = expr.kind === 'leaf' ? expr.leaf : expr
    const seen = expr.kind === 'const' ? undefined : emitted.get(identity)?.get(index)
    if (seen !== undefined) return { name: seen.name, key: `@${seen.name}` }
    const done = emitOnce(expr, index)
    if (expr.kind !== 'const') {
      if (!emitted.has(identity)) emitted.set(identity, new Map())
      emitted.get(identity)!.set(index, done)
    }
    return done
  }

  const emitOnce = (expr: Expr<TLeaf>, index: string): { name: string; key: string } => {
    const id = next++
    const name = `e${id}`
    if (expr.kind === 'const') {
      lines.push(`const ${name} = p[${params.length}]\n`)
      params.push(expr.value)
      return { name, key: 'C' }
    }
    if (expr.kind === 'leaf') {
      let k = inputIndex.get(expr.leaf)
      if (k === undefined) {
        k = inputs.length
        inputIndex.set(expr.leaf, k)
        inputs.push(expr.leaf)
      }
      lines.push(`const ${name} = in${k}[${index}]\n`)
      return { name, key: `L${k}` }
    }
    const args: string[] = []
    const keys: string[] = []
    expr.args.forEach((edge, a) => {
      if (edge.target.kind === 'const') {
        const value = emit(edge.target, '')
        args.push(value.name)
        keys.push(value.key)
        return
      }
      let at = index
      let kind = 'i'
      if (!isIdentity(edge.layout)) {
        const flat = isFlat(edge.layout)
        kind = flat ? 'f' : 'g'
        at = `q${id}_${a}`
        const base = params.length
        views.push({ layout: edge.layout, at: base })
        for (let f = 0; f < (flat ? 2 : VIEW_FLOATS); f++) params.push(0)
        lines.push(offsetCode(at, index, base, flat))
      }
      const value = emit(edge.target, at)
      args.push(value.name)
      keys.push(kind + value.key)
    })
    const [first, second, third] = args
    const bind =
      expr.op.kind === 'where' ? { C: first, A: second, B: third } : { A: first, B: second, C: third }
    const body = assignment(expr.op)!
      .replace(/\bR_/g, `${name}_`)
      .replace(/\b[ABCR]\b/g, (v) => (v === 'R' ? name : (bind[v as 'A' | 'B' | 'C'] ?? v)))
    lines.push(`${body}\n`)
    return { name, key: `${opName(expr.op)}(${keys.join(',')})` }
  }

  const top = emit(root, 'i')
  const packed = new Float32Array(Math.max(params.length, 1))
  packed.set(params)
  for (const view of views) packView(view.layout, packed, view.at)
  const args = [...inputs.map((_, k) => `in${k}`), 'p'].join(', ')
  const source = `function (${args}) {\nconst i = this.thread.x\n${lines.join('')}return ${top.name}\n}`
  return { key: `fused:${top.key}`, source, inputs, params: packed }
}
