/**
 * Sources of the gpu.js kernels, written in the JavaScript subset gpu.js compiles to WGSL
 * (webgpu) and WebAssembly (webasm). Every kernel takes its inputs, then one float array `p`
 * of parameters: packed views (see `layout.ts`) at multiples of VIEW_FLOATS, then scalars.
 * Outputs are 1-D, one thread per output element, and hold float32 for every dtype.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend/spec'
import { VIEW_FLOATS, divCode, offsetCode } from './layout'

/** Where view k's packed layout starts in `p`. */
export const viewBase = (k: number): number => k * VIEW_FLOATS
/** Where scalar s starts in `p` after `views` views. */
export const scalarBase = (views: number, s: number): number => views * VIEW_FLOATS + s

/**
 * Unary bodies: `v` is the input. expm1, log1p and tanh use short series near 0 (where
 * `exp(v) − 1`, `log(1 + v)` and `(1 − e^{−2|v|})/(1 + e^{−2|v|})` cancel) and tanh avoids
 * exp overflow at large |v|. Returning `v` for a NaN input keeps NaN.
 */
const unaryBody: Record<UnaryOp, string> = {
  neg: 'return -v',
  abs: 'return Math.abs(v)',
  sign: 'if (v > 0) { return 1 }\nif (v < 0) { return -1 }\nreturn v',
  floor: 'return Math.floor(v)',
  exp: 'return Math.exp(v)',
  expm1:
    'if (Math.abs(v) < 0.01) { return v * (1 + v * (0.5 + v * (0.16666666666666666 + v * 0.041666666666666664))) }\nreturn Math.exp(v) - 1',
  log: 'return Math.log(v)',
  log1p:
    'if (Math.abs(v) < 0.01) { return v * (1 - v * (0.5 - v * (0.3333333333333333 - v * 0.25))) }\nreturn Math.log(1 + v)',
  sin: 'return Math.sin(v)',
  cos: 'return Math.cos(v)',
  tanh: `const av = Math.abs(v)
let t = 0
if (av < 0.01) { t = av * (1 - av * av * (0.3333333333333333 - av * av * 0.13333333333333333)) } else {
  const e = Math.exp(-2 * av)
  t = (1 - e) / (1 + e)
}
if (v < 0) { return -t }
if (v > 0) { return t }
return v`,
  sqrt: 'return Math.sqrt(v)',
  reciprocal: 'return 1 / v',
}

/**
 * Binary bodies over `a`, `b`. max/min propagate NaN (as NumPy's maximum/minimum do) by
 * returning `a + b`, which is NaN when either is. pow follows Math.pow for negative bases:
 * integral exponents keep the sign of odd powers, others give NaN (√ of a negative).
 */
const binaryBody: Record<BinaryOp, string> = {
  add: 'return a + b',
  sub: 'return a - b',
  mul: 'return a * b',
  div: 'return a / b',
  pow: `if (b == 0) { return 1 }
if (a != a || b != b) { return a + b }
if (a >= 0) { return Math.pow(a, b) }
if (Math.floor(b) != b) { return Math.sqrt(a) }
const m = Math.pow(-a, b)
const h = b * 0.5
if (Math.floor(h) != h) { return -m }
return m`,
  max: 'if (a != a || b != b) { return a + b }\nif (a > b) { return a }\nreturn b',
  min: 'if (a != a || b != b) { return a + b }\nif (a < b) { return a }\nreturn b',
  cmplt: 'if (a < b) { return 1 }\nreturn 0',
  cmple: 'if (a <= b) { return 1 }\nreturn 0',
  cmpeq: 'if (a == b) { return 1 }\nreturn 0',
  cmpne: 'if (a != b) { return 1 }\nreturn 0',
}

/** A view-reading prologue: `name = x[offset of logical index]`. */
function read(name: string, input: string, view: { k: number; flat: boolean }, index = 'i'): string {
  return `${offsetCode(`${name}_o`, index, viewBase(view.k), view.flat)}const ${name} = ${input}[${name}_o]\n`
}

function kernel(inputs: string[], body: string): string {
  return `function (${[...inputs, 'p'].join(', ')}) {\nconst i = this.thread.x\n${body}\n}`
}

/** Uploads a host array (no view): `out[i] = x[i]`. */
export const uploadSource = kernel(['x'], 'return x[i]')

/** `out[i] = value` with the value at p[0]. */
export const fillSource = kernel([], 'return p[0]')

/** `out[i] = op(x[view(i)])`. */
export function unarySource(op: UnaryOp, flat: boolean): string {
  return kernel(['x'], `${read('v', 'x', { k: 0, flat: flat })}${unaryBody[op]}`)
}

/** `out[i] = op(a[view_a(i)], b[view_b(i)])`. */
export function binarySource(op: BinaryOp, flatA: boolean, flatB: boolean): string {
  return kernel(
    ['x', 'y'],
    `${read('a', 'x', { k: 0, flat: flatA })}${read('b', 'y', { k: 1, flat: flatB })}${binaryBody[op]}`,
  )
}

/** `out[i] = c[view_c(i)] != 0 ? a[view_a(i)] : b[view_b(i)]`. */
export function whereSource(flat: readonly [boolean, boolean, boolean]): string {
  return kernel(
    ['c', 'x', 'y'],
    `${read('cv', 'c', { k: 0, flat: flat[0] })}if (cv != 0) {\n${read('a', 'x', { k: 1, flat: flat[1] })}return a\n}\n${read('b', 'y', { k: 2, flat: flat[2] })}return b`,
  )
}

/** A strided copy, optionally converted: `'int32'` truncates toward zero, `'bool'` is `v != 0`. */
export function copySource(flat: boolean, to: 'same' | 'int32' | 'bool'): string {
  const tail =
    to === 'same'
      ? 'return v'
      : to === 'bool'
        ? 'if (v != 0) { return 1 }\nreturn 0'
        : 'if (v < 0) { return -Math.floor(-v) }\nreturn Math.floor(v)'
  return kernel(['x'], `${read('v', 'x', { k: 0, flat: flat })}${tail}`)
}

/** Reduction fan-in per pass: each pass folds groups of this many terms (a 16-ary tree). */
export const REDUCE_GROUP = 16

/**
 * One pass of a tree reduction. The input, viewed as [outer, run] (row-major over the view at
 * p[0]), becomes [outer, groups] with `groups = ⌈run / 16⌉` at p[VIEW_FLOATS], `run` next:
 * `out[o, g] = op(x[o, 16g], ..., x[o, 16g + 15])`. Passes repeat until groups is 1, so a
 * sum of n terms is a tree of depth ⌈log16 n⌉ instead of one long running sum (which drifts:
 * Σ 0..9999 sequentially in float32 is 49992896, not 49995000). max/min keep a NaN.
 */
export function reduceSource(op: ReduceOp, flat: boolean): string {
  const combine =
    op === 'sum'
      ? 'acc = acc + v'
      : op === 'prod'
        ? 'acc = acc * v'
        : op === 'max'
          ? 'if (v > acc || v != v) { acc = v }'
          : 'if (v < acc || v != v) { acc = v }'
  const groups = `p[${scalarBase(1, 0)}]`
  const run = `p[${scalarBase(1, 1)}]`
  return kernel(
    ['x'],
    `${divCode('o', 'g', 'i', groups)}const start = o * ${run} + g * ${REDUCE_GROUP}
const stop = Math.min(${REDUCE_GROUP}, ${run} - g * ${REDUCE_GROUP})
${read('first', 'x', { k: 0, flat: flat }, 'start')}let acc = first
for (let t = 1; t < ${REDUCE_GROUP}; t++) {
  if (t < stop) {
${read('v', 'x', { k: 0, flat: flat }, 'start + t')}${combine}
  }
}
return acc`,
  )
}

/**
 * Two-way concatenation of views seen as [outer, rowA] and [outer, rowB] (rowX = the size
 * from the axis on), rowA at p[2·VIEW_FLOATS], rowB next.
 */
export function concatSource(flatA: boolean, flatB: boolean): string {
  const rowA = `p[${scalarBase(2, 0)}]`
  const rowB = `p[${scalarBase(2, 1)}]`
  return kernel(
    ['x', 'y'],
    `${divCode('o', 'j', 'i', `${rowA} + ${rowB}`)}if (j < ${rowA}) {
${read('a', 'x', { k: 0, flat: flatA }, `o * ${rowA} + j`)}return a
}
${read('b', 'y', { k: 1, flat: flatB }, `o * ${rowB} + j - ${rowA}`)}return b`,
  )
}

/**
 * gather along an axis: x as [outer, n, inner], indices a 1-D view of m entries; scalars n, m,
 * inner. `out[o, j, k] = x[o, idx[j], k]`, a negative index counted from the end.
 */
export function gatherSource(flatX: boolean, flatI: boolean): string {
  const n = `p[${scalarBase(2, 0)}]`
  const m = `p[${scalarBase(2, 1)}]`
  const inner = `p[${scalarBase(2, 2)}]`
  return kernel(
    ['x', 'ix'],
    `${divCode('o', 'rest', 'i', `${m} * ${inner}`)}${divCode('j', 'k', 'rest', inner)}${read('raw', 'ix', { k: 1, flat: flatI }, 'j')}let idx = raw
if (idx < 0) { idx = idx + ${n} }
${read('v', 'x', { k: 0, flat: flatX }, `(o * ${n} + idx) * ${inner} + k`)}return v`,
  )
}

/**
 * scatterAdd along an axis: x as [outer, m, inner], indices a 1-D view of m entries; scalars
 * size, m, inner. `out[o, t, k] = Σ_{j: idx[j] = t} x[o, j, k]`, each output summing its own
 * matches in index order (gather-style, so no atomics are needed; O(m) reads per output).
 */
export function scatterAddSource(flatX: boolean, flatI: boolean): string {
  const size = `p[${scalarBase(2, 0)}]`
  const m = `p[${scalarBase(2, 1)}]`
  const inner = `p[${scalarBase(2, 2)}]`
  return kernel(
    ['x', 'ix'],
    `${divCode('o', 'rest', 'i', `${size} * ${inner}`)}${divCode('t', 'k', 'rest', inner)}let acc = 0
for (let j = 0; j < ${m}; j++) {
${read('raw', 'ix', { k: 1, flat: flatI }, 'j')}let idx = raw
  if (idx < 0) { idx = idx + ${size} }
  if (idx == t) {
${read('v', 'x', { k: 0, flat: flatX }, `(o * ${m} + j) * ${inner} + k`)}acc = acc + v
  }
}
return acc`,
  )
}

/** Partial sums of the matmul k-loop (see `matmulSource`). */
const MATMUL_WAYS = 8

/**
 * Batched matrix product: batch views of a and b at p[0] and p[VIEW_FLOATS] (map a batch index
 * to the matrix's offset), then scalars M, N, K and the row/column strides of a (ars, acs) and
 * b (brs, bcs). `c[q, r, s] = Σ_k a[q, r, k] · b[q, k, s]`, one output per thread (a gpu.js
 * kernel writes one value per thread and has no shared memory, so outputs cannot be tiled).
 * The k-loop is unrolled by 8 into 8 partial sums (term t goes to sum t mod 8; the sums are
 * added pairwise at the end), then the k mod 8 tail: independent sums let the compiler overlap
 * neighbouring loads and multiply-adds. Against one running sum, interleaved runs on 2 shared
 * (busy) cores: webasm 256³ 99 vs 150 ms, 512³ 935 vs 1427 ms; webgpu on llvmpipe 256³ 297 vs
 * 720 ms, 384³ 802 vs 2085 ms (apps/bench/src/gpu-h200.ts --small).
 */
export function matmulSource(flatA: boolean, flatB: boolean): string {
  const ways = MATMUL_WAYS
  const s = (j: number) => `p[${scalarBase(2, j)}]`
  const [m, n, k, ars, acs, brs, bcs] = [0, 1, 2, 3, 4, 5, 6].map(s)
  const lanes = Array.from({ length: ways }, (_, w) => w)
  // strides in locals: gpu.js's WebGL2 code hoists a uniform read inside an index into a
  // variable named by its place in the statement, so two such statements in one block clash
  const sums = lanes.map((w) => `let a${w} = 0\n`).join('')
  const terms = lanes.map((w) => `  a${w} = a${w} + x[xa + ${w} * sa] * y[yb + ${w} * sb]\n`).join('')
  // pairwise: (a0 + a1) + (a2 + a3), then the same over the halves
  let level = lanes.map((w) => `a${w}`)
  while (level.length > 1) {
    const next: string[] = []
    for (let w = 0; w < level.length; w += 2) next.push(`(${level[w]} + ${level[w + 1]})`)
    level = next
  }
  return kernel(
    ['x', 'y'],
    `${divCode('q', 'rs', 'i', `${m} * ${n}`)}${divCode('r', 'c', 'rs', n)}${offsetCode('ab', 'q', viewBase(0), flatA)}${offsetCode('bb', 'q', viewBase(1), flatB)}const sa = ${acs}
const sb = ${brs}
const kk = ${k}
const ar = ab + r * ${ars}
const bc = bb + c * ${bcs}
const blocks = Math.floor(kk / ${ways})
${sums}for (let u = 0; u < blocks; u++) {
  const xa = ar + u * ${ways} * sa
  const yb = bc + u * ${ways} * sb
${terms}}
let acc = ${level[0]}
const done = blocks * ${ways}
for (let t = 0; t < kk - done; t++) {
  acc = acc + x[ar + (done + t) * sa] * y[bc + (done + t) * sb]
}
return acc`,
  )
}

/**
 * The first two of softmax's three kernels (see `FusedKernels.softmax`): x's view at p[0],
 * then scalars n (the axis length) and A (the size after it); row r = (b, a) of [before, n,
 * A] holds the elements b·n·A + a + t·A. `'max'`: the row's maximum m, 0 when it is ±Inf (as
 * the composition shifts). `'sum'` (m as a second input): Σ_t exp(x_t − m). One thread per row.
 */
export function softmaxRowSource(kind: 'max' | 'sum', flat: boolean): string {
  const start = `const nn = p[${scalarBase(1, 0)}]
const aa = p[${scalarBase(1, 1)}]
${divCode('bb', 'af', 'i', 'aa')}const base = bb * nn * aa + af
`
  if (kind === 'max') {
    return kernel(
      ['x'],
      `${start}${read('first', 'x', { k: 0, flat }, 'base')}let m = first
for (let t1 = 1; t1 < nn; t1++) {
${read('v', 'x', { k: 0, flat }, 'base + t1 * aa')}  if (v > m) { m = v }
}
if (Math.abs(m) > 3.4028234663852886e38) { m = 0 }
return m`,
    )
  }
  return kernel(
    ['x', 'mx'],
    `${start}const m = mx[i]
let total = 0
for (let t2 = 0; t2 < nn; t2++) {
${read('w', 'x', { k: 0, flat }, 'base + t2 * aa')}  total = total + Math.exp(w - m)
}
return total`,
  )
}

/** softmax's last kernel: `out[i] = exp(x_i − m[r]) / s[r]` for the row r = (b, a) of element i. */
export function softmaxNormalizeSource(flat: boolean): string {
  return kernel(
    ['x', 'mx', 'sx'],
    `const nn = p[${scalarBase(1, 0)}]
const aa = p[${scalarBase(1, 1)}]
${divCode('bj', 'af', 'i', 'aa')}${divCode('bb', 'jj', 'bj', 'nn')}const r = bb * aa + af
${read('v', 'x', { k: 0, flat }, 'i')}return Math.exp(v - mx[r]) / sx[r]`,
  )
}

/**
 * The moments of one Adam step (see `FusedKernels.adamUpdate`), one kernel each: the old
 * moment's view at p[0], g's at p[VIEW_FLOATS], then the scalars β and 1 − β (float32, as the
 * composed ops' scalar tensors hold them). `'first'`: `m' = m·β₁ + g·(1 − β₁)`; `'second'`:
 * `v' = v·β₂ + (g·g)·(1 − β₂)`. Each product and sum is a float32 value as the composed
 * ops store it.
 */
export function adamMomentSource(moment: 'first' | 'second', flatMoment: boolean, flatG: boolean): string {
  const decay = `p[${scalarBase(2, 0)}]`
  const rest = `p[${scalarBase(2, 1)}]`
  const fresh = moment === 'first' ? 'gv' : 'gv * gv'
  return kernel(
    ['mo', 'ga'],
    `${read('old', 'mo', { k: 0, flat: flatMoment })}${read('gv', 'ga', { k: 1, flat: flatG })}const kept = old * ${decay}
const sq = ${fresh}
const added = sq * ${rest}
return kept + added`,
  )
}

/**
 * The update of one Adam step from the new moments m', v' (contiguous, from
 * `adamMomentSource`): with `decay`, the parameter's view at p[0]; then the scalars c₁, c₂,
 * ε, −η, λ. `d = (m' / c₁) / (√(v' / c₂) + ε)`, `update = d·(−η)` or `(d + p·λ)·(−η)`.
 */
export function adamUpdateSource(decay: boolean, flatP: boolean): string {
  const views = decay ? 1 : 0
  const [c1, c2, eps, step, lambda] = [0, 1, 2, 3, 4].map((s) => `p[${scalarBase(views, s)}]`)
  const head = `const mh = m1[i] / ${c1}
const vh = v1[i] / ${c2}
const root = Math.sqrt(vh)
const den = root + ${eps}
const d = mh / den
`
  if (!decay) return kernel(['m1', 'v1'], `${head}return d * ${step}`)
  return kernel(
    ['m1', 'v1', 'pa'],
    `${head}${read('pv', 'pa', { k: 0, flat: flatP })}const shrink = pv * ${lambda}
const total = d + shrink
return total * ${step}`,
  )
}

/** `out[i] = i`: the identity permutation a sort starts from. */
export const iotaSource = kernel([], 'return i')

/** The sort key of entry j: its index (negatives resolved), or `size` past the m real entries. */
function keyCode(name: string, j: string, flatI: boolean): string {
  const size = `p[${scalarBase(1, 0)}]`
  const m = `p[${scalarBase(1, 1)}]`
  return `let ${name} = ${size}
if (${j} < ${m}) {
${read(`${name}_raw`, 'ix', { k: 0, flat: flatI }, j)}${name} = ${name}_raw
  if (${name} < 0) { ${name} = ${name} + ${size} }
}
`
}

/**
 * One compare-exchange pass of a bitonic sort of a permutation of [0, 2^L) by (index, entry):
 * stage size `k` and distance `d` at p[VIEW_FLOATS + 2..3] after size and m. The element at
 * position i meets position i ± d; the pair ends ascending when bit k of i is 0, descending
 * otherwise (Batcher 1968). Sorting by the entry as a tie-break makes the order unique.
 */
export function bitonicSource(flatI: boolean): string {
  const k = `p[${scalarBase(1, 2)}]`
  const d = `p[${scalarBase(1, 3)}]`
  return kernel(
    ['perm', 'ix'],
    `${divCode('hi', 'low', 'i', d)}${divCode('hi2', 'bit', 'hi', '2')}let partner = i + ${d}
if (bit == 1) { partner = i - ${d} }
${divCode('blk', 'blkr', 'i', k)}${divCode('blk2', 'desc', 'blk', '2')}const me = perm[i]
const other = perm[partner]
${keyCode('km', 'me', flatI)}${keyCode('ko', 'other', flatI)}let meFirst = 0
if (km < ko || (km == ko && me < other)) { meFirst = 1 }
let wantSmall = 1
if (bit == 1) { wantSmall = 0 }
if (desc == 1) { wantSmall = 1 - wantSmall }
if (wantSmall == meFirst) { return me }
return other`,
  )
}

/**
 * scatterAdd from a sorted permutation: x as [outer, m, inner], scalars size, m, inner and the
 * binary-search step count. Output (o, t, k) finds the run of entries with index t by two
 * lower-bound searches and sums them in entry order: O(log m + run) reads per output.
 */
export function segmentSumSource(flatX: boolean, flatI: boolean): string {
  const size = `p[${scalarBase(2, 0)}]`
  const m = `p[${scalarBase(2, 1)}]`
  const inner = `p[${scalarBase(2, 2)}]`
  const steps = `p[${scalarBase(2, 3)}]`
  // keys read index view 1; keyCode expects size and m at scalarBase(1, ...), so pass them here
  const key = (name: string, j: string) =>
    `let ${name} = ${size}
if (${j} < ${m}) {
${read(`${name}_raw`, 'ix', { k: 1, flat: flatI }, j)}${name} = ${name}_raw
  if (${name} < 0) { ${name} = ${name} + ${size} }
}
`
  const search = (name: string, target: string) => `let ${name}_lo = 0
let ${name}_hi = ${m}
for (let ${name}_s = 0; ${name}_s < ${steps}; ${name}_s++) {
  if (${name}_lo < ${name}_hi) {
    const ${name}_mid = Math.floor((${name}_lo + ${name}_hi) * 0.5)
    const ${name}_e = perm[${name}_mid]
${key(`${name}_k`, `${name}_e`)}    if (${name}_k < ${target}) { ${name}_lo = ${name}_mid + 1 } else { ${name}_hi = ${name}_mid }
  }
}
`
  return kernel(
    ['x', 'ix', 'perm'],
    `${divCode('o', 'rest', 'i', `${size} * ${inner}`)}${divCode('t', 'k', 'rest', inner)}${search('a', 't')}${search('b', 't + 1')}let acc = 0
for (let r = 0; r < b_lo - a_lo; r++) {
  const e = perm[a_lo + r]
${read('v', 'x', { k: 0, flat: flatX }, `(o * ${m} + e) * ${inner} + k`)}acc = acc + v
}
return acc`,
  )
}

/**
 * Max-pooling argmax (see `FusedKernels.maxPool2dArgmax`): x [N, C, H, W] as a view at p[0],
 * then scalars H, W, kH, kW, sH, sW, pH, pW, oH, oW. Each thread scans its window in row-major
 * order; `v > best` keeps the first maximum, a NaN takes the window once. Returns the flat
 * row-major index into x.
 */
export function maxPoolArgmaxSource(flat: boolean): string {
  const s = (j: number) => `p[${scalarBase(1, j)}]`
  const [h, w, kh, kw, sh, sw, ph, pw, oh, ow] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(s)
  return kernel(
    ['x'],
    `${divCode('plane', 'pq', 'i', `${oh} * ${ow}`)}${divCode('pp', 'qq', 'pq', ow)}const y0 = pp * ${sh} - ${ph}
const x0 = qq * ${sw} - ${pw}
const ylo = Math.max(y0, 0)
const yhi = Math.min(y0 + ${kh}, ${h})
const xlo = Math.max(x0, 0)
const xhi = Math.min(x0 + ${kw}, ${w})
const base = plane * ${h} * ${w}
let best = base + ylo * ${w} + xlo
${read('first', 'x', { k: 0, flat }, 'best')}let bestValue = first
for (let dy = 0; dy < yhi - ylo; dy++) {
  for (let dx = 0; dx < xhi - xlo; dx++) {
    const at = base + (ylo + dy) * ${w} + xlo + dx
${read('v', 'x', { k: 0, flat }, 'at')}    if (v > bestValue || (v != v && bestValue == bestValue)) {
      bestValue = v
      best = at
    }
  }
}
return best`,
  )
}

/**
 * The 15 scalars of the convolution kernels, after two views: C, H, W, O, kH, kW, oH, oW,
 * sH, sW, top, left, dH, dW, groups.
 */
function convScalars(): Record<string, string> {
  const names = ['C', 'H', 'W', 'O', 'kH', 'kW', 'oH', 'oW', 'sH', 'sW', 'top', 'left', 'dH', 'dW', 'groups']
  return Object.fromEntries(names.map((n, j) => [n, `p[${scalarBase(2, j)}]`]))
}

/**
 * Direct 2-D cross-correlation (see `FusedKernels.conv2d`): x view at p[0], w view at
 * p[VIEW_FLOATS]. One thread per output y[n, o, p, q] sums its Cg·kH·kW taps, taps outside x
 * reading zero.
 */
export function conv2dSource(flatX: boolean, flatW: boolean): string {
  const s = convScalars()
  return kernel(
    ['x', 'w'],
    `const cg = ${s.C} / ${s.groups}
const og = ${s.O} / ${s.groups}
${divCode('n', 'opq', 'i', `${s.O} * ${s.oH} * ${s.oW}`)}${divCode('o', 'pq', 'opq', `${s.oH} * ${s.oW}`)}${divCode('pp', 'qq', 'pq', s.oW)}${divCode('g', 'og_r', 'o', 'og')}let acc = 0
for (let t = 0; t < cg * ${s.kH} * ${s.kW}; t++) {
${divCode('c', 'ij', 't', `${s.kH} * ${s.kW}`)}${divCode('ki', 'kj', 'ij', s.kW)}  const yy = pp * ${s.sH} + ki * ${s.dH} - ${s.top}
  const xx = qq * ${s.sW} + kj * ${s.dW} - ${s.left}
  if (yy >= 0 && yy < ${s.H} && xx >= 0 && xx < ${s.W}) {
${read('xv', 'x', { k: 0, flat: flatX }, `((n * ${s.C} + g * cg + c) * ${s.H} + yy) * ${s.W} + xx`)}${read('wv', 'w', { k: 1, flat: flatW }, `o * cg * ${s.kH} * ${s.kW} + t`)}    acc = acc + xv * wv
  }
}
return acc`,
  )
}

/**
 * The input gradient of conv2d: dy view at p[0], w view at p[VIEW_FLOATS]; output dx[n, c, y, x]
 * sums dy[n, o, p, q]·w[o, c', i, j] over the group's o and the taps (i, j) with
 * y = p·sH + i·dH − top for a whole p in [0, oH) (likewise x).
 */
export function conv2dBackwardInputSource(flatY: boolean, flatW: boolean): string {
  const s = convScalars()
  return kernel(
    ['dy', 'w'],
    `const cg = ${s.C} / ${s.groups}
const og = ${s.O} / ${s.groups}
${divCode('n', 'cyx', 'i', `${s.C} * ${s.H} * ${s.W}`)}${divCode('ch', 'yx', 'cyx', `${s.H} * ${s.W}`)}${divCode('yy', 'xx', 'yx', s.W)}${divCode('g', 'c', 'ch', 'cg')}let acc = 0
for (let t = 0; t < og * ${s.kH} * ${s.kW}; t++) {
${divCode('ol', 'ij', 't', `${s.kH} * ${s.kW}`)}${divCode('ki', 'kj', 'ij', s.kW)}  const py = yy + ${s.top} - ki * ${s.dH}
  const qx = xx + ${s.left} - kj * ${s.dW}
  if (py >= 0 && qx >= 0) {
${divCode('pp', 'pr', 'py', s.sH)}${divCode('qq', 'qr', 'qx', s.sW)}    if (pr == 0 && qr == 0 && pp < ${s.oH} && qq < ${s.oW}) {
      const o = g * og + ol
${read('gv', 'dy', { k: 0, flat: flatY }, `((n * ${s.O} + o) * ${s.oH} + pp) * ${s.oW} + qq`)}${read('wv', 'w', { k: 1, flat: flatW }, `((o * cg + c) * ${s.kH} + ki) * ${s.kW} + kj`)}      acc = acc + gv * wv
    }
  }
}
return acc`,
  )
}

/**
 * The filter gradient of conv2d: x view at p[0], dy view at p[VIEW_FLOATS]; output
 * dw[o, c', i, j] sums x[n, g·Cg + c', p·sH + i·dH − top, q·sW + j·dW − left]·dy[n, o, p, q]
 * over n, p, q (N·oH·oW terms in row-major order).
 */
export function conv2dBackwardFilterSource(flatX: boolean, flatY: boolean): string {
  const s = convScalars()
  return kernel(
    ['x', 'dy'],
    `const cg = ${s.C} / ${s.groups}
const og = ${s.O} / ${s.groups}
${divCode('o', 'cij', 'i', `cg * ${s.kH} * ${s.kW}`)}${divCode('c', 'ij', 'cij', `${s.kH} * ${s.kW}`)}${divCode('ki', 'kj', 'ij', s.kW)}${divCode('g', 'og_r', 'o', 'og')}let acc = 0
const planes = ${s.oH} * ${s.oW}
for (let t = 0; t < p[${scalarBase(2, 15)}] * planes; t++) {
${divCode('n', 'pq', 't', 'planes')}${divCode('pp', 'qq', 'pq', s.oW)}  const yy = pp * ${s.sH} + ki * ${s.dH} - ${s.top}
  const xx = qq * ${s.sW} + kj * ${s.dW} - ${s.left}
  if (yy >= 0 && yy < ${s.H} && xx >= 0 && xx < ${s.W}) {
${read('xv', 'x', { k: 0, flat: flatX }, `((n * ${s.C} + g * cg + c) * ${s.H} + yy) * ${s.W} + xx`)}${read('gv', 'dy', { k: 1, flat: flatY }, `((n * ${s.O} + o) * ${s.oH} + pp) * ${s.oW} + qq`)}    acc = acc + xv * gv
  }
}
return acc`,
  )
}
