/**
 * Classifier-free guidance (Ho & Salimans 2021, "Classifier-free diffusion guidance").
 */
import { add, mul, sub, tidy, type Tensor } from '@gen/core-tensor'
import { checkFunction, checkNumber } from '../schedule/check'

/**
 * Combines a conditional and an unconditional model into the guided one,
 * eps_guided = eps_uncond + scale (eps_cond - eps_uncond) (Ho & Salimans 2021, eq. 6 with
 * w = scale - 1). Scale 0 is the unconditional model, 1 the conditional one, larger values
 * sharpen towards the condition. The combination is linear, so it serves noise predictors,
 * velocity fields and score functions alike.
 *
 * Shapes: both models map `[B, ...]` (and t `[B]`) to `[B, ...]`; so does the result.
 *
 * @param conditional - the model given the condition (e.g. a class label bound in a closure)
 * @param unconditional - the model with the condition dropped
 * @param scale - guidance scale, a finite number
 * @returns the guided model
 * @throws InvalidArgumentError when a model is not a function or scale is not finite
 * @example
 * ```ts
 * const guided = classifierFreeGuidance((x, t) => net(x, t, label), (x, t) => net(x, t, nullLabel), 3)
 * const x = ddimSample(guided, { schedule, key: key(0), shape: [16, 1, 28, 28], numSteps: 50 })
 * ```
 */
export function classifierFreeGuidance<TTime>(
  conditional: (x: Tensor, t: TTime) => Tensor,
  unconditional: (x: Tensor, t: TTime) => Tensor,
  scale: number,
): (x: Tensor, t: TTime) => Tensor {
  const op = 'classifierFreeGuidance'
  checkFunction(op, 'conditional', conditional)
  checkFunction(op, 'unconditional', unconditional)
  checkNumber(op, 'scale', scale)
  return (x, t) => {
    if (scale === 0) return unconditional(x, t)
    if (scale === 1) return conditional(x, t)
    return tidy(() => {
      const uncond = unconditional(x, t)
      return add(uncond, mul(sub(conditional(x, t), uncond), scale))
    })
  }
}
