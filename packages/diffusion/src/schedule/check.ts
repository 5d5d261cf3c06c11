/**
 * Argument checks shared by the schedule, sampler, Langevin and metric modules (not exported
 * from the package). Each throws a typed error naming the function, the argument, what must
 * hold and what it got.
 */
import { InvalidArgumentError, ShapeError, Tensor } from '@gen/core-tensor'

/** Describes a value for an error message without printing large arrays. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Tensor) return `a ${value.dtype} tensor [${value.shape.join(', ')}]`
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `an array of length ${value.length}`
  return typeof value
}

/** Throws unless `value` is a safe integer >= `min`. */
export function checkInteger(op: string, argument: string, value: unknown, min = 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${describe(value)}`)
  }
}

/** Bounds of {@link checkNumber}: `[lo, hi]`, each end open when asked. */
export interface NumberRange {
  readonly lo?: number
  readonly hi?: number
  readonly openLow?: boolean
  readonly openHigh?: boolean
}

/** Throws unless `value` is a finite number within `range`. */
export function checkNumber(
  op: string,
  argument: string,
  value: unknown,
  range: NumberRange = {},
): asserts value is number {
  const { lo = -Infinity, hi = Infinity, openLow = false, openHigh = false } = range
  const inRange =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (openLow ? value > lo : value >= lo) &&
    (openHigh ? value < hi : value <= hi)
  if (!inRange) {
    const low = lo === -Infinity ? '' : `${openLow ? '>' : '>='} ${lo}`
    const high = hi === Infinity ? '' : `${openHigh ? '<' : '<='} ${hi}`
    const what = [low, high].filter((s) => s !== '').join(' and ')
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a finite number${what === '' ? '' : ` ${what}`}, got ${describe(value)}`,
    )
  }
}

/** Throws unless `x` is a live float32 tensor of rank >= `minRank`. */
export function checkFloatTensor(op: string, argument: string, x: unknown, minRank = 1): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(op, argument, `must be a Tensor, got ${describe(x)}`)
  }
  x.assertLive(op)
  if (x.dtype !== 'float32') {
    throw new InvalidArgumentError(op, argument, `must be a float32 tensor, got ${x.dtype}`)
  }
  if (x.rank < minRank) {
    throw new ShapeError(op, `${argument} must have rank >= ${minRank}, got [${x.shape.join(', ')}]`, [
      x.shape,
    ])
  }
}

/** Throws unless `a` and `b` have the same shape. */
export function checkSameShape(op: string, names: readonly [string, string], a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      op,
      `${names[1]} must have the shape of ${names[0]} [${a.shape.join(', ')}], got [${b.shape.join(', ')}]`,
      [a.shape, b.shape],
    )
  }
}

/** Throws unless `fn` is a function. */
export function checkFunction(op: string, argument: string, fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(op, argument, `must be a function, got ${describe(fn)}`)
  }
}
