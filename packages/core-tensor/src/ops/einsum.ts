/**
 * `einsum` for one or two operands, composed from permute, reshape, sum and a batched matmul.
 */
import { InvalidArgumentError, ShapeError } from '../errors'
import type { Tensor } from '../tensor'
import { checkTensor, fmtShape } from './internal'
import { matmul } from './matmul'
import { sum } from './reduce'
import { permute, reshape } from './views'

const LETTER = /^[a-zA-Z]$/

function parseTerm(op: string, term: string, rank: number, which: string): string[] {
  const labels = [...term]
  if (labels.some((c) => !LETTER.test(c))) {
    throw new InvalidArgumentError(
      op,
      'equation',
      `${which} must be letters a-z/A-Z (no ellipsis), got '${term}'`,
    )
  }
  if (new Set(labels).size !== labels.length) {
    throw new InvalidArgumentError(
      op,
      'equation',
      `${which} must not repeat an index (diagonals are not supported), got '${term}'`,
    )
  }
  if (labels.length !== rank) {
    throw new ShapeError(op, `${which} '${term}' must have one index per dim, got rank ${rank}`)
  }
  return labels
}

/** Sums out the labels of `x` that are not in `keep`; returns the tensor and its labels. */
function sumOut(x: Tensor, labels: string[], keep: Set<string>): [Tensor, string[]] {
  const axes = labels.flatMap((l, i) => (keep.has(l) ? [] : [i]))
  if (axes.length === 0) return [x, labels]
  return [sum(x, { axis: axes }), labels.filter((l) => keep.has(l))]
}

function permuteTo(x: Tensor, labels: readonly string[], order: readonly string[]): Tensor {
  const perm = order.map((l) => labels.indexOf(l))
  return perm.every((p, i) => p === i) ? x : permute(x, perm)
}

const prod = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1)

/**
 * Einstein summation over one or two operands: the output index list names the dims that
 * remain; every other index is summed over, and an index shared by both operands is
 * multiplied along (`out[free] = Σ_contracted a[...]·b[...]`). Without `->`, the output holds
 * the indices that occur once, in alphabetical order (NumPy's implicit mode).
 *
 * Common forms: `'ij,jk->ik'` (matmul), `'bij,bjk->bik'` (batched), `'i,j->ij'` (outer),
 * `'ij->ji'` (transpose), `'ij->j'` (column sums), `'bhqd,bhkd->bhqk'` (attention scores),
 * `'i,i->'` (dot). Two operands are reduced to one batched matmul
 * `[batch, M, K] × [batch, K, N]`, so the gradient is the matmul's.
 *
 * Shapes: an index has the same size wherever it occurs (no broadcasting of size-1 dims).
 * Not supported: ellipsis `...`, repeated indices within an operand (diagonals), three or more
 * operands.
 *
 * @param equation - e.g. `'bhqd,bhkd->bhqk'`
 * @param operands - one or two float tensors
 * @returns the contraction
 * @throws InvalidArgumentError for a malformed equation or an unsupported form
 * @throws ShapeError when an operand's rank or an index's sizes disagree
 * @example
 * ```ts
 * const scores = einsum('bhqd,bhkd->bhqk', q, k) // q·kᵀ per batch and head
 * einsum('ij->ji', fromArray([[1, 2]])).toArray() // [[1], [2]]
 * ```
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  const op = 'einsum'
  if (typeof equation !== 'string') {
    throw new InvalidArgumentError(op, 'equation', `must be a string, got ${typeof equation}`)
  }
  const spec = equation.replace(/\s+/g, '')
  const arrow = spec.split('->')
  if (arrow.length > 2)
    throw new InvalidArgumentError(op, 'equation', `must hold at most one '->', got '${equation}'`)
  const inputs = arrow[0].split(',')
  if (inputs.length !== operands.length || inputs.length < 1 || inputs.length > 2) {
    throw new InvalidArgumentError(
      op,
      'operands',
      `must be one or two tensors matching the equation's ${inputs.length} input term(s), got ${operands.length}`,
    )
  }
  operands.forEach((x, i) => checkTensor(op, `operands[${i}]`, x))
  const terms = inputs.map((t, i) => parseTerm(op, t, operands[i].rank, `input term ${i}`))
  const sizes = new Map<string, number>()
  terms.forEach((labels, i) =>
    labels.forEach((l, d) => {
      const n = operands[i].shape[d]
      const seen = sizes.get(l)
      if (seen !== undefined && seen !== n) {
        throw new ShapeError(
          op,
          `index '${l}' must have one size, got ${seen} and ${n} (operand ${i} ${fmtShape(operands[i].shape)})`,
        )
      }
      sizes.set(l, n)
    }),
  )
  let output: string[]
  if (arrow.length === 2) {
    output = parseTerm(op, arrow[1], arrow[1].length, 'the output term')
    for (const l of output) {
      if (!sizes.has(l))
        throw new InvalidArgumentError(
          op,
          'equation',
          `output index '${l}' must occur in an input, got '${equation}'`,
        )
    }
  } else {
    const all = terms.flat()
    output = [...new Set(all)].filter((l) => all.indexOf(l) === all.lastIndexOf(l)).sort()
  }
  const outSet = new Set(output)

  if (operands.length === 1) {
    const [reduced, labels] = sumOut(operands[0], terms[0], outSet)
    return permuteTo(reduced, labels, output)
  }

  const [la, lb] = terms
  const inB = new Set(lb)
  const inA = new Set(la)
  // an index only one operand has and the output lacks is summed out first
  const [a, aLabels] = sumOut(operands[0], la, new Set([...la].filter((l) => outSet.has(l) || inB.has(l))))
  const [b, bLabels] = sumOut(operands[1], lb, new Set([...lb].filter((l) => outSet.has(l) || inA.has(l))))
  const batch = aLabels.filter((l) => bLabels.includes(l) && outSet.has(l))
  const contracted = aLabels.filter((l) => bLabels.includes(l) && !outSet.has(l))
  const left = aLabels.filter((l) => !bLabels.includes(l))
  const right = bLabels.filter((l) => !aLabels.includes(l))
  const size = (ls: readonly string[]): number[] => ls.map((l) => sizes.get(l) ?? 1)
  const a3 = reshape(permuteTo(a, aLabels, [...batch, ...left, ...contracted]), [
    prod(size(batch)),
    prod(size(left)),
    prod(size(contracted)),
  ])
  const b3 = reshape(permuteTo(b, bLabels, [...batch, ...contracted, ...right]), [
    prod(size(batch)),
    prod(size(contracted)),
    prod(size(right)),
  ])
  const product = reshape(matmul(a3, b3), [...size(batch), ...size(left), ...size(right)])
  return permuteTo(product, [...batch, ...left, ...right], output)
}
