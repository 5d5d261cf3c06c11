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
  checkOptions,
  type GenErrorCode,
  type GenErrorOptions,
} from './errors'

export {
  key,
  split,
  fold,
  checkKey,
  randomBits,
  uniformFloats,
  normalFloats,
  boxMuller,
  randomIntegers,
  permutation,
  philox4x32,
  type Key,
} from './random/index'

export { type DType, promoteTypes } from './dtype'
export { Tensor, type NestedArray } from './tensor'
export type {
  BackendV1,
  BufferHandle,
  StridedView,
  TypedArray,
  UnaryOp,
  BinaryOp,
  ReduceOp,
  FusedKernels,
  AdamStepConstants,
  Conv2dParams,
  Pool2dParams,
} from './backend/spec'
export { cpu, createCpuBackend } from './backend/cpu'
export { reference, createReferenceBackend } from './backend/reference'
export {
  fromArray,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
  toBackend,
  type CreationOptions,
} from './ops/creation'
export {
  reshape,
  flatten,
  permute,
  transpose,
  expand,
  broadcastTo,
  slice,
  squeeze,
  unsqueeze,
  contiguous,
  stopGradient,
  type SliceSpec,
} from './ops/views'
export { broadcastShapes, type TensorLike } from './ops/internal'
export {
  neg,
  abs,
  sign,
  floor,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  reciprocal,
  square,
  sin,
  cos,
  tanh,
  sigmoid,
  softplus,
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
} from './ops/unary'
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  less,
  lessEqual,
  greater,
  greaterEqual,
  equal,
  notEqual,
  logicalAnd,
  logicalOr,
  logicalXor,
  logicalNot,
} from './ops/binary'
export { where, clamp } from './ops/where'
export {
  sum,
  mean,
  max,
  min,
  prod,
  argmax,
  argmin,
  variance,
  std,
  cumsum,
  type ReduceOptions,
  type VarianceOptions,
} from './ops/reduce'
export { logSumExp, softmax, logSoftmax } from './ops/softmax'
export { matmul, outer } from './ops/matmul'
export {
  conv2d,
  conv1d,
  convTranspose2d,
  type Pair,
  type ConvPadding,
  type Conv2dOptions,
  type Conv1dOptions,
  type ConvTranspose2dOptions,
} from './ops/conv'
export {
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  upsample,
  type Pool2dOptions,
  type UpsampleOptions,
} from './ops/pool'
export { concat, stack, tensorSplit, pad, type PadOptions } from './ops/join'
export { indexSelect, gather, scatterAdd, oneHot, tril, triu } from './ops/indexing'
export {
  bernoulli,
  categorical,
  randint,
  truncatedNormal,
  type RandomTensorOptions,
  type RandintOptions,
  type TruncatedNormalOptions,
} from './ops/random'
export { einsum } from './ops/einsum'
export { grad, valueAndGrad, noGrad, type ValueAndGrad } from './autodiff/grad'
export {
  tidy,
  keep,
  dispose,
  memoryStats,
  type TensorTree,
  type MemoryStats,
  type BackendMemoryStats,
} from './memory'
export { fromNdarray, toNdarray, type NdarrayLike } from './interop'
