/**
 * @packageDocumentation
 * Tensors, autodiff, nn layers, optimizers, keyed random numbers and safetensors io on
 * reference, CPU and GPU backends. The foundation every gen model package stands on.
 */

export {
  GenError,
  ShapeError,
  DTypeError,
  InvalidArgumentError,
  BackendMismatchError,
  BackendUnavailableError,
  UnsupportedOpError,
  DisposedTensorError,
  assert,
  type GenErrorCode,
  type GenErrorOptions,
} from './errors'

export {
  key,
  split,
  fold,
  randomBits,
  uniformFloats,
  normalFloats,
  boxMuller,
  randomIntegers,
  permutation,
  philox4x32,
  type Key,
} from './random/index'
