/**
 * Typed errors of `@gen/viz`. Messages follow the gen form
 * `<op>: <what must hold>, got <actual>`, e.g. `toPixels: values must be finite, got NaN at index 3`.
 *
 * This package depends on no other gen package, so it defines its own small classes; each
 * instance carries the global marker `Symbol.for('gen.error')`, so `GenError.isInstance` from
 * `@gen/core-tensor` recognises them too.
 */
const marker = Symbol.for('gen.error')

/** Machine-readable codes of the errors this package throws. */
export type VizErrorCode = 'INVALID_ARGUMENT' | 'SHAPE'

/**
 * Base class of every error thrown by `@gen/viz`.
 *
 * @example
 * ```ts
 * try { upscale(image, 0) } catch (e) { if (VizError.isInstance(e)) console.log(e.code, e.op) }
 * ```
 */
export class VizError extends Error {
  /** Machine-readable code of the error kind. */
  readonly code: VizErrorCode
  /** The function that threw. */
  readonly op: string
  private readonly [marker] = true

  /**
   * @param op - the function that threw
   * @param message - what must hold and what was got
   * @param code - the error kind
   * @param options - `cause`: the error that caused this one
   */
  constructor(op: string, message: string, code: VizErrorCode, options?: { cause?: unknown }) {
    super(`${op}: ${message}`, options)
    this.name = 'VizError'
    this.code = code
    this.op = op
  }

  /** True for any gen error (this package's or another's), checked through the global marker. */
  static isInstance(error: unknown): error is VizError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true
  }
}

/**
 * A bad argument value: `upscale: factor must be a positive integer, got 0`.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('imageGrid', 'columns', 'must be a positive integer, got 0')
 * ```
 */
export class InvalidArgumentError extends VizError {
  /** The argument's name as the caller wrote it. */
  readonly argument: string

  /**
   * @param op - the function that threw
   * @param argument - the argument's name
   * @param message - what must hold, and what was got
   * @param options - `cause`: the error that caused this one
   */
  constructor(op: string, argument: string, message: string, options?: { cause?: unknown }) {
    super(op, `${argument} ${message}`, 'INVALID_ARGUMENT', options)
    this.name = 'InvalidArgumentError'
    this.argument = argument
  }
}

/**
 * A shape that does not fit: `imageGrid: tiles must all be 28x28, got 14x14 at index 3`.
 *
 * @example
 * ```ts
 * throw new ShapeError('toImage', 'values must hold width*height*channels = 12 numbers, got 10', [[10]])
 * ```
 */
export class ShapeError extends VizError {
  /** The offending shapes. */
  readonly shapes: readonly (readonly number[])[]

  /**
   * @param op - the function that threw
   * @param message - what must hold, and what was got
   * @param shapes - the offending shapes
   */
  constructor(op: string, message: string, shapes: readonly (readonly number[])[] = []) {
    super(op, message, 'SHAPE')
    this.name = 'ShapeError'
    this.shapes = shapes
  }
}
