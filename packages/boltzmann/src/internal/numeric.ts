// Small numeric helpers shared by the Boltzmann machine and RBM code. Everything here is
// float64 and allocation-free where it sits in inner loops.
import { InvalidArgumentError } from '@gen/core-tensor'

/** Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), written so neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

/** softplus(x) = ln(1 + e^x) without overflow for large x or loss for very negative x. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

/** ln σ(x) = −softplus(−x). */
export function logSigmoid(x: number): number {
  return -softplus(-x)
}

/** ln Σ exp(a_i) over a[0..length), shifted by the maximum so nothing overflows. */
export function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i]
  if (m === -Infinity) return -Infinity
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m)
  return m + Math.log(s)
}

/** Number of set bits of a 32-bit integer. */
export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Index of the lowest set bit of a positive 32-bit integer (Gray-code step → flipped unit). */
export function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x)
}

export function checkPositiveInteger(op: string, argument: string, value: number, max = Infinity): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    const range = max === Infinity ? 'a positive integer' : `an integer in [1, ${max}]`
    throw new InvalidArgumentError(op, argument, `must be ${range}, got ${value}`)
  }
}

export function checkNonNegativeInteger(op: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(op, argument, `must be a non-negative integer, got ${value}`)
  }
}

export function checkPositiveNumber(op: string, argument: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError(op, argument, `must be a finite number > 0, got ${value}`)
  }
}

export function checkNonNegativeNumber(op: string, argument: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError(op, argument, `must be a finite number >= 0, got ${value}`)
  }
}

export function checkFiniteArray(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  length: number,
): void {
  if (values.length !== length) {
    throw new InvalidArgumentError(op, argument, `must have length ${length}, got ${values.length}`)
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InvalidArgumentError(op, argument, `must hold finite numbers, got ${values[i]} at index ${i}`)
    }
  }
}

/** Checks a row-major [rows, width] matrix of 0/1 values and returns its row count. */
export function checkBinaryRows(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  width: number,
): number {
  if (values.length === 0 || values.length % width !== 0) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a non-empty row-major [rows, ${width}] array (length a multiple of ${width}), got length ${values.length}`,
    )
  }
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) {
      throw new InvalidArgumentError(op, argument, `must hold only 0 and 1, got ${values[i]} at index ${i}`)
    }
  }
  return values.length / width
}

/** Checks a row-major [rows, width] matrix of finite values (probabilities allowed) and returns its row count. */
export function checkUnitRows(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  width: number,
): number {
  if (values.length === 0 || values.length % width !== 0) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a non-empty row-major [rows, ${width}] array (length a multiple of ${width}), got length ${values.length}`,
    )
  }
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0 && values[i] <= 1)) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold values in [0, 1], got ${values[i]} at index ${i}`,
      )
    }
  }
  return values.length / width
}
