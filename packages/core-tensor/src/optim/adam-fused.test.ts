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
import { adamStepF32 } from '../backend/cpu-adam'
import { adamStepWasmF32, simdSupported } from '../kernels/index'
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

describe.runIf(simdSupported())('the WebAssembly SIMD Adam kernel', () => {
  it('is bit-identical to the scalar float32 loop, tiny and huge values included', () => {
    const n = 1003 // not a multiple of four
    const draw = (seed: number, scale: number) =>
      uniformFloats(fold(key(seed), n), n).map((u, i) => scale * (2 * u - 1) * 10 ** ((i % 13) - 6))
    const arrays = { m: draw(1, 1), v: draw(2, 1).map(Math.abs), g: draw(3, 3), p: draw(4, 1) }
    arrays.g[0] = 1e-40 // subnormal
    arrays.v[1] = 0
    for (const weightDecay of [0, 0.01]) {
      const k = {
        beta1: 0.9,
        beta2: 0.999,
        correction1: 0.271,
        correction2: 0.002997,
        epsilon: 1e-8,
        rate: 1e-3,
        weightDecay,
      }
      const scalar = adamStepF32(arrays, k)
      const simd = adamStepWasmF32(arrays, k, (size) => new Float32Array(size))
      for (const name of ['m', 'v', 'update'] as const) {
        expect(Array.from(simd[name]), `${name}, λ = ${weightDecay}`).toEqual(Array.from(scalar[name]))
      }
    }
  })
})
