/**
 * Argument checks shared by the networks and the training code: each throws an
 * `InvalidArgumentError` of the form `<op>: <argument> must …, got …` (DESIGN.md §7).
 *
 * @internal
 */
import { InvalidArgumentError, ShapeError, Tensor } from '@gen/core-tensor'

/** Throws unless `value` is a safe integer >= `min`. */
export function checkInteger(op: string, argument: string, value: unknown, min = 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${String(value)}`)
  }
}

/** Throws unless `value` is a finite number in `[lo, hi]` (`(lo, hi]` when `openLow`). */
export function checkNumber(
  op: string,
  argument: string,
  value: unknown,
  range: {
    readonly lo?: number
    readonly hi?: number
    readonly openLow?: boolean
    readonly openHigh?: boolean
  } = {},
): asserts value is number {
  const { lo = -Infinity, hi = Infinity, openLow = false, openHigh = false } = range
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (openLow ? value > lo : value >= lo) &&
    (openHigh ? value < hi : value <= hi)
  if (!ok) {
    const parts = [
      lo === -Infinity ? '' : `${openLow ? '>' : '>='} ${lo}`,
      hi === Infinity ? '' : `${openHigh ? '<' : '<='} ${hi}`,
    ].filter((s) => s !== '')
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a finite number${parts.length === 0 ? '' : ` ${parts.join(' and ')}`}, got ${String(value)}`,
    )
  }
}

/** Throws unless `value` is one of `choices`. */
export function checkChoice<T extends string>(
  op: string,
  argument: string,
  value: unknown,
  choices: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(value)}`,
    )
  }
}

/** Throws unless `x` is a live tensor of `dtype` (default float32). */
export function checkTensor(
  op: string,
  argument: string,
  x: unknown,
  dtype: 'float32' | 'int32' = 'float32',
): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(op, argument, `must be a Tensor, got ${x === null ? 'null' : typeof x}`)
  }
  x.assertLive(op)
  if (x.dtype !== dtype)
    throw new InvalidArgumentError(
      op,
      argument,
      `must be ${dtype === 'int32' ? 'an' : 'a'} ${dtype} tensor, got ${x.dtype}`,
    )
}

/** Throws unless `x` has exactly `shape` (−1 matches any size). */
export function checkShape(op: string, argument: string, x: Tensor, shape: readonly number[]): void {
  const ok = x.rank === shape.length && shape.every((d, i) => d === -1 || x.shape[i] === d)
  if (!ok) {
    const want = shape.map((d) => (d === -1 ? 'N' : String(d))).join(', ')
    throw new ShapeError(op, `${argument} must be [${want}], got [${x.shape.join(', ')}]`, [x.shape])
  }
}

/** Throws unless `options` is an object. */
export function checkObject(op: string, argument: string, options: unknown): asserts options is object {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(op, argument, `must be an object, got ${String(options)}`)
  }
}

/**
 * Throws unless every value of the time tensor `t` is finite and >= 0: a DDPM step 0 … T − 1,
 * a flow time or a noise-level fraction in [0, 1] (the units of the package's objectives). A NaN
 * would otherwise pass through the sinusoidal embedding and a relu as a plausible output. The
 * values are read only on a backend with synchronous reads.
 */
export function checkTimes(op: string, argument: string, t: Tensor): void {
  if (t.backend.readSync === undefined) return
  const values = t.dataSync()
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v) || v < 0) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold finite times >= 0 (DDPM steps 0 … T − 1, or flow times and noise-level fractions in [0, 1]), got ${v} at index ${i}`,
      )
    }
  }
}
