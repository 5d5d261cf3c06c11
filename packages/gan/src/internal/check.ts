import { InvalidArgumentError, ShapeError, Tensor } from '@gen/core-tensor'

/** Throws unless `x` is a live float32 tensor. */
export function checkTensor(op: string, argument: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(op, argument, `must be a Tensor, got ${x === null ? 'null' : typeof x}`)
  }
  x.assertLive(op)
  if (x.dtype !== 'float32') {
    throw new InvalidArgumentError(op, argument, `must be a float32 tensor, got ${x.dtype}`)
  }
}

/** Throws unless `x` holds one score per example: `[N]` or `[N, 1]` with N >= 1. */
export function checkScores(op: string, argument: string, x: unknown): asserts x is Tensor {
  checkTensor(op, argument, x)
  const ok = (x.rank === 1 || (x.rank === 2 && x.shape[1] === 1)) && x.shape[0] >= 1
  if (!ok) {
    throw new ShapeError(op, `${argument} must be [N] or [N, 1] with N >= 1, got [${x.shape.join(', ')}]`, [
      x.shape,
    ])
  }
}

/** Throws unless `value` is a safe integer >= `min`. */
export function checkInteger(op: string, argument: string, value: unknown, min = 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${String(value)}`)
  }
}

/** Throws unless `value` is a finite number in `[lo, hi]` (or `(lo, hi]` when `openLow`). */
export function checkNumber(
  op: string,
  argument: string,
  value: unknown,
  range: { readonly lo?: number; readonly hi?: number; readonly openLow?: boolean } = {},
): asserts value is number {
  const { lo = -Infinity, hi = Infinity, openLow = false } = range
  const inRange =
    typeof value === 'number' && Number.isFinite(value) && (openLow ? value > lo : value >= lo) && value <= hi
  if (!inRange) {
    const low = lo === -Infinity ? '' : `${openLow ? '>' : '>='} ${lo}`
    const high = hi === Infinity ? '' : `<= ${hi}`
    const what = [low, high].filter((s) => s !== '').join(' and ')
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a finite number${what === '' ? '' : ` ${what}`}, got ${String(value)}`,
    )
  }
}
