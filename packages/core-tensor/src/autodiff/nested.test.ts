import { describe, expect, it } from 'vitest'
import { cpu } from '../backend/cpu'
import { reference } from '../backend/reference'
import { dispose, memoryStats, tidy } from '../memory'
import { add, mul, sub } from '../ops/binary'
import { fromArray } from '../ops/creation'
import { matmul } from '../ops/matmul'
import { mean, sum } from '../ops/reduce'
import { exp, sigmoid, sqrt, square, tanh } from '../ops/unary'
import { transpose } from '../ops/views'
import { checkGradients } from '../testing/gradcheck'
import type { Tensor } from '../tensor'
import { grad, valueAndGrad } from './grad'

const live = () => memoryStats().tensors

const cube = (x: Tensor) => sum(mul(mul(x, x), x))

describe('nested grad (second order)', () => {
  it.each([
    ['cpu', cpu],
    ['reference', reference],
  ])('d²/dx² Σx³ = 6x on %s', (_, backend) => {
    const base = live()
    const x = fromArray([2, -1, 0.5], { backend })
    const d2 = grad((v: Tensor) => sum(grad(cube)(v)))(x)
    expect(Array.from(d2.dataSync())).toEqual([12, -6, 3])
    dispose([x, d2])
    expect(live()).toBe(base)
  })

  it('through a plain matmul: ∇ₓ Σ(∇ₓ ‖Wx‖²) = 2WᵀW·1', () => {
    const base = live()
    const w = fromArray([
      [1, 2],
      [3, 4],
    ])
    const x = fromArray([[0.5], [-1]])
    const f = (v: Tensor) => sum(square(matmul(w, v)))
    const d2 = grad((v: Tensor) => sum(grad(f)(v)))(x)
    // WᵀW = [[10, 14], [14, 20]]; 2·WᵀW·1 = [48, 68]
    expect(d2.toArray()).toEqual([[48], [68]])
    dispose([w, x, d2])
    expect(live()).toBe(base)
  })

  it('Hessian of Σ sigmoid(Wx) matches central differences of the first derivative (float64)', () => {
    const w = fromArray(
      [
        [0.3, -0.7, 1.1],
        [0.9, 0.2, -0.4],
        [-1.3, 0.5, 0.8],
        [0.1, 1.5, -0.6],
      ],
      { backend: reference },
    )
    const x = fromArray([[0.4], [-0.9], [0.25]], { backend: reference })
    const firstDerivative = (v: Tensor) => grad((u: Tensor) => sum(sigmoid(matmul(w, u))))(v)
    const worst = checkGradients(firstDerivative, [x], { epsilon: 1e-5, tolerance: 1e-7 })
    expect(worst).toBeLessThan(1e-7)
    dispose([w, x])
  })

  it('a gradient penalty E(‖∇ₓD(x)‖ - 1)² differentiates w.r.t. D’s weights (WGAN-GP)', () => {
    const base = live()
    const x = fromArray(
      [
        [0.5, -0.2, 0.9],
        [-0.7, 0.3, 0.1],
      ],
      { backend: reference },
    )
    // D(x) = Σ_hidden tanh(x W1ᵀ + b1) · v, per sample
    const critic = (w1: Tensor, b1: Tensor, v: Tensor, input: Tensor) =>
      sum(mul(tanh(add(matmul(input, transpose(w1)), b1)), v))
    const penalty = (w1: Tensor, b1: Tensor, v: Tensor) => {
      const gx = grad((input: Tensor) => critic(w1, b1, v, input))(x)
      const norms = sqrt(sum(square(gx), { axis: 1 }))
      return mean(square(sub(norms, 1)))
    }
    const w1 = fromArray(
      [
        [0.4, -1.2, 0.7],
        [1.1, 0.3, -0.5],
        [-0.6, 0.8, 0.9],
        [0.2, -0.4, 1.3],
      ],
      { backend: reference },
    )
    const b1 = fromArray([0.1, -0.3, 0.2, 0.05], { backend: reference })
    const v = fromArray([0.9, -1.4, 0.6, 1.2], { backend: reference })
    const worst = checkGradients(penalty, [w1, b1, v], { epsilon: 1e-5, tolerance: 1e-7 })
    expect(worst).toBeLessThan(1e-7)
    // Without the fix the outer tape read tensors the inner grad had freed; all are now freed once.
    dispose([x, w1, b1, v])
    expect(live()).toBe(base)
  })

  it('valueAndGrad of a second-order loss frees everything but its value and gradients', () => {
    const base = live()
    const x = fromArray([0.3, 1.2])
    const { value, grads } = valueAndGrad((v: Tensor) => sum(square(grad(cube)(v))))(x)
    // Σ(3x²)² = 9Σx⁴, gradient 36x³
    expect(value.item()).toBeCloseTo(9 * (0.3 ** 4 + 1.2 ** 4), 5)
    expect(Array.from(grads.dataSync()).map((g) => Number(g.toFixed(4)))).toEqual([
      Number((36 * 0.3 ** 3).toFixed(4)),
      Number((36 * 1.2 ** 3).toFixed(4)),
    ])
    expect(live() - base).toBe(3)
    dispose([x, value, grads])
    expect(live()).toBe(base)
  })

  it('a tidy inside the differentiated function keeps what the tape needs', () => {
    const base = live()
    const x = fromArray([0.5, -1])
    const g = grad((v: Tensor) => tidy(() => sum(exp(v))))(x)
    expect(Array.from(g.dataSync())).toEqual([Math.fround(Math.exp(0.5)), Math.fround(Math.exp(-1))])
    dispose([x, g])
    expect(live()).toBe(base)
  })
})
