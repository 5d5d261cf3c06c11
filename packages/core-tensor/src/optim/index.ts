/**
 * @packageDocumentation
 * Optimizers over parameter trees (`@gen/core-tensor/optim`): `{ init, update }` pairs of
 * pure functions in the style of optax, gradient clipping, learning-rate schedules and a
 * parameter EMA.
 */
export { applyUpdates, chain, type LearningRate, type Optimizer, type UpdateResult } from './optimizer'
export { sgd, type SgdOptions, type SgdState } from './sgd'
export { adam, adamw, type AdamOptions, type AdamWOptions, type AdamState } from './adam'
export { rmsprop, type RmspropOptions, type RmspropState } from './rmsprop'
export { clipByGlobalNorm, globalNorm } from './clip'
export {
  constantSchedule,
  stepSchedule,
  cosineSchedule,
  warmupCosineSchedule,
  type Schedule,
  type StepScheduleOptions,
  type CosineScheduleOptions,
  type WarmupCosineScheduleOptions,
} from './schedules'
export { emaInit, emaUpdate, type EmaState } from './ema'
export { mapTree, treeLeaves, disposeTree, type TensorTree } from './tree'
