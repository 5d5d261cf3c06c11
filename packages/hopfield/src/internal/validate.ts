// Boundary checks shared by the public functions. They throw InvalidArgumentError with the
// message form `<op>: <argument> <what must hold>, got <actual>`, so bad input never turns
// into NaN or a silently wrong state further down.
import { InvalidArgumentError, type Key } from '@gen/core-tensor'

/** A ±1 pattern as the caller may pass it: any array-like of numbers. */
export type SpinLike = ArrayLike<number>

/** Describes any value for an error message without relying on its toString. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`
  if (Array.isArray(value)) return `an array of length ${value.length}`
  return `an object with keys [${Object.keys(value).join(',')}]`
}

function preview(values: ArrayLike<number>): string {
  const shown = Array.from({ length: Math.min(values.length, 8) }, (_, i) => values[i])
  return `[${shown.join(',')}${values.length > 8 ? ',...' : ''}]`
}

/** Copies a ±1 array-like into an Int8Array, checking its length and its values. */
export function toSpins(op: string, argument: string, values: SpinLike, size?: number): Int8Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be an array of +1/-1 values, got ${describeValue(values)}`,
    )
  }
  if (size !== undefined && values.length !== size) {
    throw new InvalidArgumentError(op, argument, `must have length ${size}, got length ${values.length}`)
  }
  if (values.length === 0) {
    throw new InvalidArgumentError(op, argument, `must not be empty, got length 0`)
  }
  const out = new Int8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v !== 1 && v !== -1) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold only +1 and -1, got ${String(v)} at index ${i} of ${preview(values)}`,
      )
    }
    out[i] = v
  }
  return out
}

/** Accepts one pattern or a list of patterns and returns a list of Int8Arrays of one length. */
export function toPatternList(
  op: string,
  argument: string,
  patterns: SpinLike | readonly SpinLike[],
  size?: number,
): Int8Array[] {
  if (patterns === null || typeof patterns !== 'object' || typeof patterns.length !== 'number') {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a pattern or a list of patterns, got ${describeValue(patterns)}`,
    )
  }
  const list: readonly SpinLike[] = isSinglePattern(patterns) ? [patterns] : patterns
  if (list.length === 0) {
    throw new InvalidArgumentError(op, argument, `must hold at least one pattern, got an empty list`)
  }
  const length = size ?? list[0].length
  return list.map((p, mu) => toSpins(op, `${argument}[${mu}]`, p, length))
}

function isSinglePattern(patterns: SpinLike | readonly SpinLike[]): patterns is SpinLike {
  return patterns.length > 0 && typeof (patterns as ArrayLike<unknown>)[0] === 'number'
}

/** Checks a positive integer argument. */
export function checkPositiveInteger(op: string, argument: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, argument, `must be a positive integer, got ${String(value)}`)
  }
}

/** Checks a non-negative integer argument. */
export function checkNonNegativeInteger(op: string, argument: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(op, argument, `must be a non-negative integer, got ${String(value)}`)
  }
}

/** Checks a number in [low, high]. */
export function checkInRange(op: string, argument: string, value: number, range: [number, number]): void {
  if (typeof value !== 'number' || !(value >= range[0] && value <= range[1])) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be in [${range[0]}, ${range[1]}], got ${String(value)}`,
    )
  }
}

/** Checks a finite number. */
export function checkFinite(op: string, argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(op, argument, `must be a finite number, got ${String(value)}`)
  }
}

/** Checks a key made by `key(seed)`. */
export function checkKey(op: string, argument: string, value: Key | undefined): asserts value is Key {
  if (
    value === undefined ||
    value === null ||
    typeof value !== 'object' ||
    !Number.isInteger(value.k0) ||
    !Number.isInteger(value.k1)
  ) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a Key made by key(seed), got ${JSON.stringify(value)}`,
    )
  }
}

/** Checks a list of finite numbers of the given length and copies it into a Float64Array. */
export function toFiniteVector(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  size?: number,
): Float64Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be an array of finite numbers, got ${describeValue(values)}`,
    )
  }
  if (size !== undefined && values.length !== size) {
    throw new InvalidArgumentError(op, argument, `must have length ${size}, got length ${values.length}`)
  }
  const out = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold only finite numbers, got ${String(v)} at index ${i}`,
      )
    }
    out[i] = v
  }
  return out
}

/** Array check that does not narrow a typed list to `any[]` (a caller from JS may pass anything). */
export function isList(value: unknown): boolean {
  return Array.isArray(value)
}
