import { describe, expect, it } from 'vitest'
import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { valueAndGrad } from '../autodiff/grad'
import { fromArray } from '../ops/creation'
import { mul } from '../ops/binary'
import { sum } from '../ops/reduce'
import { transpose } from '../ops/views'
import { key, fold } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { withoutFused } from '../testing/cases'
import type { Tensor } from '../tensor'
import { adam, adamw } from './adam'
import { applyUpdates } from './optimizer'
import type { TensorTree } from './tree'

/** Params {w [3, 5], b [5]} and per-step grads, w's gradient a transposed view as `linear`'s is. */
function run(backend: BackendV1, make: typeof adam, steps: number): Float32Array[] {
  const draw = (seed: number, shape: number[], scale = 1): Tensor => {
    const n = shape.reduce((s, d) => s * d, 1)
    return fromArray(
      uniformFloats(fold(key(seed), n), n).map((u) => scale * (2 * u - 1)),
      { shape, backend },
    )
  }
  const optimizer = make({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 })
  let params: TensorTree = { w: draw(1, [3, 5]), b: draw(2, [5]) }
  let state = optimizer.init(params)
  for (let t = 0; t < steps; t++) {
    const grads = {
      w: transpose(draw(10 + t, [5, 3], 10 ** ((t % 3) - 1))),
      b: draw(20 + t, [5], 1e-3),
    }
    const next = optimizer.update(grads, state, params)
    params = applyUpdates(params, next.updates)
    state = next.state
  }
  const p = params as Record<string, Tensor>
  const mu = state.mu as Record<string, Tensor>
  const nu = state.nu as Record<string, Tensor>
  return [p.w, p.b, mu.w, nu.w, mu.b, nu.b].map((t) => t.dataSync() as Float32Array)
}

describe('the cpu fused Adam step', () => {
  it.each([
    ['adam', adam],
    ['adamw', adamw],
  ])('%s: params and moments are bit-identical to the composed ops over 7 steps', (_, make) => {
    const fused = run(cpu, make, 7)
    const composed = run(withoutFused(cpu), make, 7)
    fused.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(composed[i])))
  })

  it('falls back to the composed ops when a tape watches the inputs (the step stays differentiable)', () => {
    const optimizer = adam({ learningRate: 0.1 })
    const p = fromArray([1, -2, 3])
    const state = optimizer.init({ p })
    // d/dg of Σ update·c at the first step: update = −η·g/(|g|+ε) ... is flat away from 0, so
    // differentiate through the moment instead: m' = (1 − β₁)·g, d Σ m'·c / dg = (1 − β₁)·c
    const { grads } = valueAndGrad((g: Tensor) => {
      const next = optimizer.update({ p: g }, state)
      return sum(mul((next.state.mu as Record<string, Tensor>).p, fromArray([1, 2, 3])))
    })(fromArray([0.5, 0.25, -1]))
    const got = Array.from(grads.dataSync())
    ;[0.1, 0.2, 0.3].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 6))
  })
})
