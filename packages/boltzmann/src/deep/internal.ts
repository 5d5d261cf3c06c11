// Inner loops shared by the deep/ modules: layer fields of a Bernoulli RBM at an inverse
// temperature β, Bernoulli draws and the sufficient statistics of a phase. Shapes as in rbm.ts:
// W [V, H] row-major, v rows [B, V], h rows [B, H].
import { InvalidArgumentError, type BackendV1, type Key } from '@gen/core-tensor'

import { bernoulliBits } from '../internal/draws'
import { sigmoid } from '../internal/numeric'
import { weightProducts } from '../internal/products'
import type { Rbm, RbmGradient } from '../rbm'

/**
 * out[r, j] = σ(β (c_j + Σ_i v_ri W_ij)) for rows [0, rows): the product on `backend` when one
 * is given (core-tensor matmul), else in float64 loops.
 */
// eslint-disable-next-line max-params -- an inner loop's positional arguments, shared by PT, DBN and inpainting
export function hiddenProbabilitiesAt(
  rbm: Rbm,
  visible: ArrayLike<number>,
  rows: number,
  beta = 1,
  backend?: BackendV1,
): Float64Array {
  const { numVisible: V, numHidden: H, weights, hiddenBias } = rbm
  if (backend !== undefined) {
    const products = weightProducts(weights, rbm, backend)
    const field = products.right(visible, rows)
    products.dispose()
    const p = new Float64Array(rows * H)
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < H; j++) p[r * H + j] = sigmoid(beta * (hiddenBias[j] + field[r * H + j]))
    }
    return p
  }
  const out = new Float64Array(rows * H)
  const field = new Float64Array(H)
  for (let r = 0; r < rows; r++) {
    field.set(hiddenBias)
    for (let i = 0; i < V; i++) {
      const x = visible[r * V + i]
      if (x === 0) continue
      const base = i * H
      for (let j = 0; j < H; j++) field[j] += x * weights[base + j]
    }
    for (let j = 0; j < H; j++) out[r * H + j] = sigmoid(beta * field[j])
  }
  return out
}

/** out[r, i] = σ(β (b_i + Σ_j W_ij h_rj)) for rows [0, rows), on `backend` as {@link hiddenProbabilitiesAt}. */
// eslint-disable-next-line max-params -- as hiddenProbabilitiesAt
export function visibleProbabilitiesAt(
  rbm: Rbm,
  hidden: ArrayLike<number>,
  rows: number,
  beta = 1,
  backend?: BackendV1,
): Float64Array {
  const { numVisible: V, numHidden: H, weights, visibleBias } = rbm
  if (backend !== undefined) {
    const products = weightProducts(weights, rbm, backend)
    const field = products.left(hidden, rows)
    products.dispose()
    const p = new Float64Array(rows * V)
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < V; i++) p[r * V + i] = sigmoid(beta * (visibleBias[i] + field[r * V + i]))
    }
    return p
  }
  const out = new Float64Array(rows * V)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < V; i++) {
      let a = visibleBias[i]
      const base = i * H
      for (let j = 0; j < H; j++) {
        const h = hidden[r * H + j]
        if (h !== 0) a += weights[base + j] * h
      }
      out[r * V + i] = sigmoid(beta * a)
    }
  }
  return out
}

/** x_k = 1 when u_k < p_k, with u = uniformFloats(key, p.length, 'float64'). */
export function bernoulliDraw(probabilities: ArrayLike<number>, k: Key): Float64Array {
  return bernoulliBits(probabilities, k)
}

/** E(v, h) = −bᵀv − cᵀh − vᵀWh of row r. */
export function jointEnergyRow(
  rbm: Rbm,
  visible: ArrayLike<number>,
  hidden: ArrayLike<number>,
  r: number,
): number {
  const { numVisible: V, numHidden: H, weights } = rbm
  let e = 0
  for (let j = 0; j < H; j++) e -= rbm.hiddenBias[j] * hidden[r * H + j]
  for (let i = 0; i < V; i++) {
    const x = visible[r * V + i]
    if (x === 0) continue
    let s = rbm.visibleBias[i]
    const base = i * H
    for (let j = 0; j < H; j++) s += weights[base + j] * hidden[r * H + j]
    e -= x * s
  }
  return e
}

/** Visible rows [rows, V] with their hidden probabilities P = σ(vW + c) [rows, H]. */
export interface Phase {
  readonly visible: ArrayLike<number>
  readonly hiddenProbabilities: ArrayLike<number>
  readonly rows: number
}

/** Adds sign/rows · (vᵀP, Σ_r v_r, Σ_r P_r) of a phase to `out`. */
export function addStatistics(rbm: Rbm, phase: Phase, sign: number, out: RbmGradient): void {
  const { numVisible: V, numHidden: H } = rbm
  const { visible, hiddenProbabilities, rows } = phase
  const scale = sign / rows
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < V; i++) {
      const x = visible[r * V + i]
      if (x === 0) continue
      out.visibleBias[i] += scale * x
      const base = i * H
      const sx = scale * x
      for (let j = 0; j < H; j++) out.weights[base + j] += sx * hiddenProbabilities[r * H + j]
    }
    for (let j = 0; j < H; j++) out.hiddenBias[j] += scale * hiddenProbabilities[r * H + j]
  }
}

/** A zero gradient with the RBM's shapes. */
export function zeroRbmGradient(rbm: Rbm): RbmGradient {
  return {
    weights: new Float64Array(rbm.numVisible * rbm.numHidden),
    visibleBias: new Float64Array(rbm.numVisible),
    hiddenBias: new Float64Array(rbm.numHidden),
  }
}

/** Checks the RBM's sizes and parameter lengths and finiteness. */
export function checkRbmShape(op: string, rbm: Rbm): void {
  if (typeof rbm !== 'object' || rbm === null) {
    throw new InvalidArgumentError(op, 'rbm', `must be an RBM object, got ${String(rbm)}`)
  }
  const { numVisible: V, numHidden: H } = rbm
  if (!(Number.isInteger(V) && V >= 1 && Number.isInteger(H) && H >= 1)) {
    throw new InvalidArgumentError(
      op,
      'rbm',
      `must have positive integer numVisible and numHidden, got ${V} and ${H}`,
    )
  }
  const lengths: [keyof RbmGradient, number][] = [
    ['weights', V * H],
    ['visibleBias', V],
    ['hiddenBias', H],
  ]
  for (const [name, length] of lengths) {
    const values = rbm[name] as ArrayLike<number> | undefined
    if (values?.length !== length) {
      throw new InvalidArgumentError(op, `rbm.${name}`, `must have length ${length}, got ${values?.length}`)
    }
    for (let k = 0; k < length; k++) {
      if (!Number.isFinite(values[k])) {
        throw new InvalidArgumentError(
          op,
          `rbm.${name}`,
          `must hold finite numbers, got ${values[k]} at index ${k}`,
        )
      }
    }
  }
}

/** Checks a row-major [rows, width] array with entries in [0, 1] (or only 0/1) and returns the rows. */
export function checkRows(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  layout: { readonly width: number; readonly binary?: boolean },
): number {
  const { width, binary = false } = layout
  if (values.length === 0 || values.length % width !== 0) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a non-empty row-major [rows, ${width}] array (length a multiple of ${width}), got length ${values.length}`,
    )
  }
  for (let k = 0; k < values.length; k++) {
    const x = values[k]
    if (binary ? x !== 0 && x !== 1 : !(x >= 0 && x <= 1)) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold ${binary ? 'only 0 and 1' : 'values in [0, 1]'}, got ${x} at index ${k}`,
      )
    }
  }
  return values.length / width
}
