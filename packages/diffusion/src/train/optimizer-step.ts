/**
 * @internal The update that trainDenoiser and the few-step trainers (reflow, IMM) share: the
 * loss and its gradient, global-norm clipping g ← g·min(1, c/‖g‖), one Adam step; and the check
 * that a step stayed finite.
 */
import { InvalidArgumentError, mul, type Tensor, type TensorTree } from '@gen/core-tensor'
import { type adam, type AdamState, applyUpdates, globalNorm, mapTree } from '@gen/core-tensor/optim'

/** One clipped Adam step's results (scalars read back, new parameters and optimiser state). */
export interface OptimizerStepResult {
  readonly loss: number
  readonly norm: number
  readonly params: TensorTree
  readonly optimizer: AdamState
}

/**
 * One update: `(loss, g) = lossAndGrad(params, batch)`, g scaled by c/‖g‖ when a clip c is set
 * and ‖g‖ > c, then the optimiser's step. Call inside `tidy`.
 */
export function clippedOptimizerStep<TBatch>(
  op: string,
  lossAndGrad: (params: TensorTree, batch: TBatch) => { value: Tensor; grads: TensorTree },
  step: {
    readonly params: TensorTree
    readonly batch: TBatch
    readonly optimizer: ReturnType<typeof adam>
    readonly state: AdamState
    readonly clip: number | undefined
  },
): OptimizerStepResult {
  const { value, grads } = lossAndGrad(step.params, step.batch)
  const norm = globalNorm(grads).item()
  const clip = step.clip
  const scale = clip !== undefined && norm > clip ? clip / norm : 1
  const clipped = scale === 1 ? grads : mapTree(op, ([g]) => mul(g, scale), grads)
  const { updates, state } = step.optimizer.update(clipped, step.state, step.params)
  return { loss: value.item(), norm, params: applyUpdates(step.params, updates), optimizer: state }
}

/** Throws when a step's loss or gradient norm is not finite (a diverged run), naming the step. */
export function checkFiniteStep(op: string, result: { loss: number; norm: number }, step: number): void {
  if (!Number.isFinite(result.loss) || !Number.isFinite(result.norm)) {
    throw new InvalidArgumentError(
      op,
      'options',
      `must give a finite training run, got loss ${result.loss} and gradient norm ${result.norm} at step ${step}; lower the learning rate or clip the gradient`,
    )
  }
}
