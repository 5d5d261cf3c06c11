/**
 * Typed errors for every gen package. Messages follow one form,
 * `<op>: <what must hold>, got <actual>[ — hint]`, e.g.
 * `matmul: inner dimensions must match, got a=[2,3] and b=[4,5]`.
 *
 * `GenError.isInstance(e)` checks a global symbol rather than the prototype chain, so it still
 * works when two copies of core-tensor are installed side by side.
 */
const marker = Symbol.for('gen.error')

/** Machine-readable error codes, one per subclass. */
export type GenErrorCode =
  | 'GEN_ERROR'
  | 'SHAPE'
  | 'DTYPE'
  | 'INVALID_ARGUMENT'
  | 'BACKEND_MISMATCH'
  | 'BACKEND_UNAVAILABLE'
  | 'UNSUPPORTED_OP'
  | 'DISPOSED_TENSOR'

/** Options shared by every gen error. */
export interface GenErrorOptions {
  /** The error that caused this one, if any. */
  cause?: unknown
}

/**
 * Base class of every error thrown by gen packages.
 *
 * @example
 * ```ts
 * try { f() } catch (e) { if (GenError.isInstance(e)) console.log(e.code) }
 * ```
 */
export class GenError extends Error {
  /** Machine-readable code of the error kind. */
  readonly code: GenErrorCode
  private readonly [marker] = true

  constructor(message: string, options: GenErrorOptions & { code?: GenErrorCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GenError'
    this.code = options.code ?? 'GEN_ERROR'
  }

  /** True for any gen error, from this copy of the package or another. */
  static isInstance(error: unknown): error is GenError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true
  }
}

/** Shapes do not fit an op: `matmul: inner dimensions must match, got a=[2,3] and b=[4,5]`. */
export class ShapeError extends GenError {
  /** The op that rejected the shapes. */
  readonly op: string
  /** The offending shapes, in argument order. */
  readonly shapes: readonly (readonly number[])[]

  constructor(
    op: string,
    message: string,
    shapes: readonly (readonly number[])[] = [],
    options: GenErrorOptions = {},
  ) {
    super(`${op}: ${message}`, { ...options, code: 'SHAPE' })
    this.name = 'ShapeError'
    this.op = op
    this.shapes = shapes
  }
}

/** A dtype an op does not accept: `log: dtype must be float32, got int32`. */
export class DTypeError extends GenError {
  readonly op: string
  readonly dtype: string

  constructor(op: string, message: string, dtype: string, options: GenErrorOptions = {}) {
    super(`${op}: ${message}`, { ...options, code: 'DTYPE' })
    this.name = 'DTypeError'
    this.op = op
    this.dtype = dtype
  }
}

/** A bad argument value: `ising.sweep: temperature must be > 0, got -1`. */
export class InvalidArgumentError extends GenError {
  /** The op or function that rejected the argument. */
  readonly op: string
  /** The argument's name as the caller wrote it. */
  readonly argument: string

  constructor(op: string, argument: string, message: string, options: GenErrorOptions = {}) {
    super(`${op}: ${argument} ${message}`, { ...options, code: 'INVALID_ARGUMENT' })
    this.name = 'InvalidArgumentError'
    this.op = op
    this.argument = argument
  }
}

/** Two inputs of one op live on different backends. */
export class BackendMismatchError extends GenError {
  readonly op: string
  readonly backends: readonly string[]

  constructor(op: string, backends: readonly string[], options: GenErrorOptions = {}) {
    super(
      `${op}: all inputs must be on one backend, got ${backends.join(' and ')} — move one with toBackend()`,
      {
        ...options,
        code: 'BACKEND_MISMATCH',
      },
    )
    this.name = 'BackendMismatchError'
    this.op = op
    this.backends = backends
  }
}

/** A backend cannot run here; `reason` says why (no adapter, missing peer dependency...). */
export class BackendUnavailableError extends GenError {
  readonly backend: string
  readonly reason: string

  constructor(backend: string, reason: string, options: GenErrorOptions = {}) {
    super(`backend ${backend} is unavailable: ${reason}`, { ...options, code: 'BACKEND_UNAVAILABLE' })
    this.name = 'BackendUnavailableError'
    this.backend = backend
    this.reason = reason
  }
}

/** An op that a backend does not implement for a dtype. */
export class UnsupportedOpError extends GenError {
  readonly op: string
  readonly dtype: string
  readonly backend: string

  constructor(op: string, dtype: string, backend: string, options: GenErrorOptions = {}) {
    super(`${op}: not supported for dtype ${dtype} on backend ${backend}`, {
      ...options,
      code: 'UNSUPPORTED_OP',
    })
    this.name = 'UnsupportedOpError'
    this.op = op
    this.dtype = dtype
    this.backend = backend
  }
}

/** A tensor was used after `dispose()`. */
export class DisposedTensorError extends GenError {
  readonly op: string

  constructor(op: string, options: GenErrorOptions = {}) {
    super(`${op}: tensor was used after dispose()`, { ...options, code: 'DISPOSED_TENSOR' })
    this.name = 'DisposedTensorError'
    this.op = op
  }
}

/**
 * Throws the error that `makeError` builds when `condition` is false. The error is built
 * lazily, so a message that formats shapes costs nothing on the happy path.
 *
 * @example
 * ```ts
 * assert(a.rank === 2, () => new ShapeError('matmul', `a must be 2-D, got [${a.shape}]`, [a.shape]))
 * ```
 */
export function assert(condition: boolean, makeError: () => GenError): asserts condition {
  if (!condition) throw makeError()
}

/**
 * Throws unless a required options argument is an object. Called first in functions whose last
 * parameter is a required options object, so `f(x)` without it names `f` and the argument
 * instead of failing later as `Cannot read properties of undefined`.
 *
 * @param op - the public function that was called
 * @param options - the value passed as its options
 * @throws InvalidArgumentError `<op>: options must be an options object, got <what>`
 * @example
 * ```ts
 * checkOptions('simulate', undefined) // throws "simulate: options must be an options object, got undefined"
 * ```
 */
export function checkOptions(op: string, options: unknown): asserts options is object {
  if (typeof options !== 'object' || options === null) {
    const got = options === null ? 'null' : typeof options === 'number' ? String(options) : typeof options
    throw new InvalidArgumentError(op, 'options', `must be an options object, got ${got}`)
  }
}
