import {
  add,
  fromArray,
  InvalidArgumentError,
  key,
  matmul,
  mul,
  reference,
  ShapeError,
  sum,
  tanh,
  type Tensor,
  transpose,
  valueAndGrad,
} from '@gen/core-tensor'
import { checkGradients } from '@gen/core-tensor/testing'
import { describe, expect, it } from 'vitest'
import { gradientPenalty } from './gradient-penalty'

const ref = (values: number[][] | number[]): Tensor => fromArray(values, { backend: reference })
const real = ref([
  [0.5, -1.2, 2],
  [1.5, 0.3, -0.4],
  [-0.8, 0.9, 0.1],
])
const fake = ref([
  [-0.3, 0.4, 1],
  [0.2, -0.6, 0.7],
  [1.1, 0.5, -1.3],
])
const epsilon = ref([0.25, 0.8, 0.5])

describe('gradientPenalty (WGAN-GP, Gulrajani et al. 2017 eq. 3)', () => {
  it('on a linear critic f(x) = x·w + b the input gradient is w, so GP = (‖w‖ − 1)² at every interpolate', () => {
    const w = ref([[0.6], [-1.2], [0.4]])
    const b = ref([0.3])
    const critic = (x: Tensor): Tensor => add(matmul(x, w), b)
    const norm = Math.sqrt(0.36 + 1.44 + 0.16)
    const gp = gradientPenalty(critic, real, fake, { epsilon }).item()
    expect(gp).toBeCloseTo((norm - 1) ** 2, 10)
    // a different target and random interpolation weights give the same closed form
    expect(gradientPenalty(critic, real, fake, { key: key(3), target: 2 }).item()).toBeCloseTo(
      (norm - 2) ** 2,
      10,
    )
  })

  it('on f(x) = ½‖x‖² the input gradient is x̂ itself, which checks the interpolation x̂ = εx_real + (1 − ε)x_fake', () => {
    const critic = (x: Tensor): Tensor => mul(sum(mul(x, x), { axis: 1 }), 0.5)
    const r = real.toArray() as number[][]
    const f = fake.toArray() as number[][]
    const e = [0.25, 0.8, 0.5]
    let expected = 0
    for (let i = 0; i < 3; i++) {
      const hat = r[i].map((v, j) => e[i] * v + (1 - e[i]) * f[i][j])
      expected += (Math.hypot(...hat) - 1) ** 2 / 3
    }
    expect(gradientPenalty(critic, real, fake, { epsilon }).item()).toBeCloseTo(expected, 10)
  })

  it('its gradient with respect to the critic weights matches central differences (nested autodiff, float64)', () => {
    const w1 = ref([
      [0.3, -0.7, 1.1],
      [0.9, 0.2, -0.4],
      [-1.3, 0.5, 0.8],
      [0.1, 1.5, -0.6],
    ])
    const b1 = ref([0.1, -0.2, 0.05, 0.3])
    const v = ref([[0.7], [-1.1], [0.4], [0.9]])
    const penalty = (a: Tensor, c: Tensor, d: Tensor): Tensor =>
      gradientPenalty((x) => matmul(tanh(add(matmul(x, transpose(a)), c)), d), real, fake, { epsilon })
    const worst = checkGradients(penalty, [w1, b1, v], { epsilon: 1e-6, tolerance: 1e-7 })
    expect(worst).toBeLessThan(1e-7)
    // and the penalty is not trivially flat there
    const { grads } = valueAndGrad((p: { v: Tensor }) => penalty(w1, b1, p.v))({ v })
    expect(Math.max(...Array.from(grads.v.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3)
  })

  it('rejects mismatched shapes, bad epsilon and a missing key', () => {
    const critic = (x: Tensor): Tensor => sum(x, { axis: 1 })
    expect(() => gradientPenalty(critic, real, ref([[1, 2, 3]]), { epsilon })).toThrow(ShapeError)
    expect(() => gradientPenalty(critic, real, fake, { epsilon: ref([0.5, 1.5, 0]) })).toThrow(
      /gradientPenalty: epsilon must hold values in \[0, 1\]/,
    )
    expect(() => gradientPenalty(critic, real, fake, {})).toThrow(InvalidArgumentError)
    expect(() => gradientPenalty(critic, real, fake, { epsilon: ref([0.5]) })).toThrow(
      /epsilon must be \[3\], got \[1\]/,
    )
  })
})
