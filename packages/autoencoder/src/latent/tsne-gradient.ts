/**
 * The t-SNE cost and its gradient (van der Maaten and Hinton 2008, eq. 5), exactly or with
 * Barnes-Hut repulsions (van der Maaten 2014, eq. 3-5).
 *
 * With w_ij = 1 / (1 + |y_i − y_j|²), Z = Σ_{k≠l} w_kl and q_ij = w_ij / Z:
 *   C = KL(P‖Q) = Σ_ij p_ij ln(p_ij / q_ij)
 *   ∂C/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j)
 *           = 4 (F_attr,i − F_rep,i / Z),  F_attr,i = Σ_j p_ij w_ij (y_i − y_j),  F_rep,i = Σ_j w_ij² (y_i − y_j)
 * F_attr runs over P's non-zeros; F_rep and Z over all pairs, which Barnes-Hut replaces by one
 * term per far cell of a space tree: N_cell w_ic (and N_cell w_ic² (y_i − y_c)) whenever the
 * cell's side / |y_i − y_c| < θ.
 */
import { InvalidArgumentError, checkOptions } from '@gen/core-tensor'
import type { SparseRows } from './affinities'
import { toMatrix, type MatrixInput } from './matrix'
import { buildSpaceTree, type SpaceTree } from './space-tree'

/** Options of {@link tsneGradient}. */
export interface TsneGradientOptions {
  /** `'exact'` (all pairs, default) or `'barnes-hut'` (dims ≤ 3). */
  readonly method?: 'exact' | 'barnes-hut'
  /** Barnes-Hut accuracy θ ≥ 0 (default 0.5); θ = 0 visits every point, giving the exact sums. */
  readonly theta?: number
  /** Multiplies P in the attraction (early exaggeration; default 1). */
  readonly exaggeration?: number
}

/**
 * The gradient of KL(P‖Q) with respect to the embedding, and the cost itself.
 *
 * Shapes: embedding [n, dims], p an n × n symmetric sparse matrix summing to 1 → gradient [n * dims].
 *
 * @param embedding - positions y
 * @param p - joint affinities from {@link jointAffinities}
 * @param options - `method`, `theta`, `exaggeration`
 * @returns `gradient` (row-major like the embedding) and `klDivergence` (with the
 *   unexaggerated P; Barnes-Hut uses its approximate Z)
 * @throws InvalidArgumentError when p's size differs from the embedding's rows, θ < 0, or
 *   Barnes-Hut is asked for more than 3 dimensions
 * @example
 * ```ts
 * const { gradient } = tsneGradient(y, jointAffinities(conditionalAffinities(x)), { method: 'exact' })
 * ```
 */
export function tsneGradient(
  embedding: MatrixInput,
  p: SparseRows,
  options: TsneGradientOptions = {},
): { gradient: Float64Array; klDivergence: number } {
  const op = 'tsneGradient'
  checkOptions(op, options)
  const y = toMatrix(op, 'embedding', embedding)
  const [n, dims] = y.shape
  if (p.size !== n)
    throw new InvalidArgumentError(op, 'p', `must be ${n} × ${n} like the embedding, got size ${p.size}`)
  const method = options.method ?? 'exact'
  const theta = options.theta ?? 0.5
  if (!(theta >= 0)) throw new InvalidArgumentError(op, 'theta', `must be >= 0, got ${theta}`)
  if (method === 'barnes-hut' && dims > 3) {
    throw new InvalidArgumentError(op, 'embedding', `must have at most 3 columns for Barnes-Hut, got ${dims}`)
  }
  const gradient = new Float64Array(n * dims)
  const exaggeration = options.exaggeration ?? 1
  const z =
    method === 'exact'
      ? exactGradient(y.data, { n, dims, p: denseAffinities(p), exaggeration }, gradient)
      : barnesHutGradient(y.data, { n, dims, p, exaggeration, theta }, gradient)
  return { gradient, klDivergence: klDivergenceWithZ(y.data, dims, p, z) }
}

/**
 * KL(P‖Q) of an embedding, exactly (Z over all pairs, O(n²)).
 *
 * @param embedding - positions [n, dims]
 * @param p - joint affinities (symmetric, summing to 1)
 * @returns the cost in nats
 * @example
 * ```ts
 * tsneKlDivergence(y, p) // >= 0
 * ```
 */
export function tsneKlDivergence(embedding: MatrixInput, p: SparseRows): number {
  const y = toMatrix('tsneKlDivergence', 'embedding', embedding)
  const [n, dims] = y.shape
  if (p.size !== n) {
    throw new InvalidArgumentError(
      'tsneKlDivergence',
      'p',
      `must be ${n} × ${n} like the embedding, got size ${p.size}`,
    )
  }
  let z = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let d2 = 0
      for (let c = 0; c < dims; c++) {
        const diff = y.data[i * dims + c] - y.data[j * dims + c]
        d2 += diff * diff
      }
      z += 2 / (1 + d2)
    }
  }
  return klDivergenceWithZ(y.data, dims, p, z)
}

/** KL = Σ p_ij ln p_ij − Σ p_ij ln w_ij + ln Z · Σ p_ij, over P's non-zeros. */
export function klDivergenceWithZ(y: Float64Array, dims: number, p: SparseRows, z: number): number {
  let kl = 0
  let mass = 0
  for (let i = 0; i < p.size; i++) {
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
      const pij = p.values[e]
      if (pij <= 0) continue
      const j = p.columns[e]
      let d2 = 0
      for (let c = 0; c < dims; c++) {
        const diff = y[i * dims + c] - y[j * dims + c]
        d2 += diff * diff
      }
      // ln(p / q) = ln p + ln(1 + d²) + ln Z
      kl += pij * (Math.log(pij) + Math.log1p(d2))
      mass += pij
    }
  }
  return kl + mass * Math.log(z)
}

/** P as a dense n × n array (for the exact gradient's all-pairs loop). */
export function denseAffinities(p: SparseRows): Float64Array {
  const n = p.size
  const dense = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) dense[i * n + p.columns[e]] = p.values[e]
  }
  return dense
}

interface ExactProblem {
  n: number
  dims: number
  /** Dense symmetric P [n * n]. */
  p: Float64Array
  exaggeration: number
}

/** Exact gradient over all pairs i < j (each pair once, both ends updated). Returns Z. */
export function exactGradient(y: Float64Array, problem: ExactProblem, out: Float64Array): number {
  const { n, dims, p, exaggeration } = problem
  const attraction = new Float64Array(n * dims)
  const repulsion = new Float64Array(n * dims)
  let z = 0
  if (dims === 2) {
    for (let i = 0; i < n; i++) {
      const yi0 = y[2 * i]
      const yi1 = y[2 * i + 1]
      let a0 = 0
      let a1 = 0
      let r0 = 0
      let r1 = 0
      const row = i * n
      for (let j = i + 1; j < n; j++) {
        const d0 = yi0 - y[2 * j]
        const d1 = yi1 - y[2 * j + 1]
        const w = 1 / (1 + d0 * d0 + d1 * d1)
        z += 2 * w
        const pw = p[row + j] * w
        const ww = w * w
        a0 += pw * d0
        a1 += pw * d1
        r0 += ww * d0
        r1 += ww * d1
        attraction[2 * j] -= pw * d0
        attraction[2 * j + 1] -= pw * d1
        repulsion[2 * j] -= ww * d0
        repulsion[2 * j + 1] -= ww * d1
      }
      attraction[2 * i] += a0
      attraction[2 * i + 1] += a1
      repulsion[2 * i] += r0
      repulsion[2 * i + 1] += r1
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let d2 = 0
        for (let c = 0; c < dims; c++) {
          const diff = y[i * dims + c] - y[j * dims + c]
          d2 += diff * diff
        }
        const w = 1 / (1 + d2)
        z += 2 * w
        const pw = p[i * n + j] * w
        const ww = w * w
        for (let c = 0; c < dims; c++) {
          const diff = y[i * dims + c] - y[j * dims + c]
          attraction[i * dims + c] += pw * diff
          attraction[j * dims + c] -= pw * diff
          repulsion[i * dims + c] += ww * diff
          repulsion[j * dims + c] -= ww * diff
        }
      }
    }
  }
  for (let k = 0; k < n * dims; k++) out[k] = 4 * (exaggeration * attraction[k] - repulsion[k] / z)
  return z
}

interface BarnesHutProblem {
  n: number
  dims: number
  p: SparseRows
  exaggeration: number
  theta: number
}

/** Barnes-Hut gradient: sparse attraction, tree repulsion. Returns the approximate Z. */
export function barnesHutGradient(y: Float64Array, problem: BarnesHutProblem, out: Float64Array): number {
  const { n, dims, p, exaggeration, theta } = problem
  const attraction = new Float64Array(n * dims)
  for (let i = 0; i < n; i++) {
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
      const j = p.columns[e]
      let d2 = 0
      for (let c = 0; c < dims; c++) {
        const diff = y[i * dims + c] - y[j * dims + c]
        d2 += diff * diff
      }
      const pw = p.values[e] / (1 + d2)
      for (let c = 0; c < dims; c++) attraction[i * dims + c] += pw * (y[i * dims + c] - y[j * dims + c])
    }
  }
  const tree = buildSpaceTree(y, n, dims)
  const repulsion = new Float64Array(n * dims)
  const z = dims === 2 ? treeRepulsion2d(y, tree, theta, repulsion) : treeRepulsion(y, tree, theta, repulsion)
  for (let k = 0; k < n * dims; k++) out[k] = 4 * (exaggeration * attraction[k] - repulsion[k] / z)
  return z
}

/** Σ_i Z_i and F_rep,i for any dims (1 to 3), one depth-first walk per point. */
function treeRepulsion(y: Float64Array, tree: SpaceTree, theta: number, repulsion: Float64Array): number {
  const { dims, centerOfMass, count, firstChild, halfWidth, point, next } = tree
  const n = next.length
  const children = 1 << dims
  const stack = new Int32Array(maxStack(children))
  const theta2 = theta * theta
  const diff = new Float64Array(dims)
  let z = 0
  for (let i = 0; i < n; i++) {
    let sp = 0
    stack[sp++] = 0
    while (sp > 0) {
      const node = stack[--sp]
      if (firstChild[node] < 0) {
        for (let q = point[node]; q >= 0; q = next[q]) {
          if (q === i) continue
          let d2 = 0
          for (let c = 0; c < dims; c++) {
            diff[c] = y[i * dims + c] - y[q * dims + c]
            d2 += diff[c] * diff[c]
          }
          const w = 1 / (1 + d2)
          z += w
          const ww = w * w
          for (let c = 0; c < dims; c++) repulsion[i * dims + c] += ww * diff[c]
        }
        continue
      }
      let d2 = 0
      for (let c = 0; c < dims; c++) {
        diff[c] = y[i * dims + c] - centerOfMass[node * dims + c]
        d2 += diff[c] * diff[c]
      }
      const side = 2 * halfWidth[node]
      if (side * side < theta2 * d2) {
        const cnt = count[node]
        const w = 1 / (1 + d2)
        z += cnt * w
        const mult = cnt * w * w
        for (let c = 0; c < dims; c++) repulsion[i * dims + c] += mult * diff[c]
      } else {
        const first = firstChild[node]
        for (let k = 0; k < children; k++) if (count[first + k] > 0) stack[sp++] = first + k
      }
    }
  }
  return z
}

/** {@link treeRepulsion} unrolled for the common 2-D case (a quadtree). */
function treeRepulsion2d(y: Float64Array, tree: SpaceTree, theta: number, repulsion: Float64Array): number {
  const { centerOfMass, count, firstChild, halfWidth, point, next } = tree
  const n = next.length
  const stack = new Int32Array(maxStack(4))
  const theta2 = theta * theta
  let z = 0
  for (let i = 0; i < n; i++) {
    const y0 = y[2 * i]
    const y1 = y[2 * i + 1]
    let r0 = 0
    let r1 = 0
    let sp = 0
    stack[sp++] = 0
    while (sp > 0) {
      const node = stack[--sp]
      if (firstChild[node] < 0) {
        for (let q = point[node]; q >= 0; q = next[q]) {
          if (q === i) continue
          const d0 = y0 - y[2 * q]
          const d1 = y1 - y[2 * q + 1]
          const w = 1 / (1 + d0 * d0 + d1 * d1)
          z += w
          const ww = w * w
          r0 += ww * d0
          r1 += ww * d1
        }
        continue
      }
      const d0 = y0 - centerOfMass[2 * node]
      const d1 = y1 - centerOfMass[2 * node + 1]
      const d2 = d0 * d0 + d1 * d1
      const side = 2 * halfWidth[node]
      if (side * side < theta2 * d2) {
        const cnt = count[node]
        const w = 1 / (1 + d2)
        z += cnt * w
        const mult = cnt * w * w
        r0 += mult * d0
        r1 += mult * d1
      } else {
        const first = firstChild[node]
        if (count[first] > 0) stack[sp++] = first
        if (count[first + 1] > 0) stack[sp++] = first + 1
        if (count[first + 2] > 0) stack[sp++] = first + 2
        if (count[first + 3] > 0) stack[sp++] = first + 3
      }
    }
    repulsion[2 * i] = r0
    repulsion[2 * i + 1] = r1
  }
  return z
}

// depth-first, each opened node pushes 2^d children: at most (2^d − 1) per level of the tree
function maxStack(children: number): number {
  return 64 * children + 8
}
