import { fold, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { initRbm, rbmFreeEnergy, type Rbm } from '../rbm'
import { rbmFilterImages } from './filters'
import { rbmInpaint } from './inpaint'

function randomRbm(V: number, H: number, seed: number, scale = 1): Rbm {
  const rbm = initRbm({ numVisible: V, numHidden: H }, { key: key(seed), initScale: scale })
  const biases = normalFloats(fold(key(seed), 1), V + H, 'float64')
  for (let i = 0; i < V; i++) rbm.visibleBias[i] = 0.5 * biases[i]
  for (let j = 0; j < H; j++) rbm.hiddenBias[j] = 0.5 * biases[V + j]
  return rbm
}

describe('rbmInpaint', () => {
  // units 1 and 4 clamped to (1, 0); the 4 free units take 16 configurations
  const rbm = randomRbm(6, 4, 3, 1.5)
  const mask = [0, 1, 0, 0, 1, 0]
  const free = [0, 2, 3, 5]
  const fill = (s: number): number[] => {
    const v = [0, 1, 0, 0, 0, 0]
    free.forEach((i, k) => (v[i] = (s >>> k) & 1))
    return v
  }
  // exact p(v_free | v_clamped) ∝ exp(−F(v))
  const f = rbmFreeEnergy(rbm, Array.from({ length: 16 }, (_, s) => fill(s)).flat())
  const m = Math.min(...f)
  const weights = Array.from(f, (x) => Math.exp(m - x))
  const total = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => w / total)

  test('the clamped chains reproduce exact p(v_free | v_clamped) (χ², fixed key)', () => {
    const C = 4000
    const start = Float64Array.from({ length: C * 6 }, (_, q) => (mask[q % 6] === 1 ? fill(0)[q % 6] : 0.5))
    const { visible } = rbmInpaint(rbm, start, mask, { key: key(4), numSteps: 40 })
    const count = new Float64Array(16)
    for (let r = 0; r < C; r++) {
      expect(visible[6 * r + 1]).toBe(1)
      expect(visible[6 * r + 4]).toBe(0)
      let s = 0
      free.forEach((i, k) => (s |= visible[6 * r + i] << k))
      count[s]++
    }
    let chi = 0
    for (let s = 0; s < 16; s++) chi += (count[s] - C * exact[s]) ** 2 / (C * exact[s])
    expect(chi).toBeLessThan(37.7) // χ²(15) at 0.1 %
  })

  test('the averaged probabilities estimate the exact conditional marginals p(v_i = 1 | v_clamped)', () => {
    const C = 500
    const start = Float64Array.from({ length: C * 6 }, (_, q) => (mask[q % 6] === 1 ? fill(0)[q % 6] : 0.5))
    const { probabilities } = rbmInpaint(rbm, start, mask, { key: key(5), numSteps: 60, burnIn: 10 })
    for (const [k, i] of free.entries()) {
      const marginal = exact.reduce((a, p, s) => a + (((s >>> k) & 1) === 1 ? p : 0), 0)
      let mean = 0
      let sq = 0
      for (let r = 0; r < C; r++) {
        mean += probabilities[6 * r + i] / C
        sq += probabilities[6 * r + i] ** 2 / C
      }
      // the chains are independent, so the row means give the standard error
      const se = Math.sqrt((sq - mean * mean) / (C - 1))
      expect(Math.abs(mean - marginal)).toBeLessThan(4 * se)
    }
    expect(probabilities[1]).toBe(1)
    expect(probabilities[4]).toBe(0)
  })

  test('bad masks and clamped values are typed errors', () => {
    expect(() => rbmInpaint(rbm, new Float64Array(6).fill(0.5), [0, 1, 0], { key: key(0) })).toThrow(
      /rbmInpaint: mask must have length V = 6 or B·V = 6, got 3/,
    )
    expect(() => rbmInpaint(rbm, new Float64Array(6).fill(0.5), mask, { key: key(0) })).toThrow(
      /visible must be 0 or 1 where mask is 1, got 0.5 at index 1/,
    )
    expect(() => rbmInpaint(rbm, fill(0), mask, { key: key(0), numSteps: 5, burnIn: 5 })).toThrow(
      /burnIn must be below numSteps = 5, got 5/,
    )
  })
})

describe('rbmFilterImages', () => {
  test('image k is column units[k] of W, raw or scaled to max |w| = 1', () => {
    const rbm = randomRbm(6, 3, 7)
    const raw = rbmFilterImages(rbm, { height: 2, width: 3 })
    expect(raw.shape).toEqual([3, 2, 3])
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 6; i++) expect(raw.data[j * 6 + i]).toBeCloseTo(rbm.weights[i * 3 + j], 6)
    const scaled = rbmFilterImages(rbm, { height: 3, width: 2, units: [2], normalize: 'per-unit' })
    const column = Array.from({ length: 6 }, (_, i) => rbm.weights[i * 3 + 2])
    const m = Math.max(...column.map(Math.abs))
    expect(scaled.count).toBe(1)
    for (let i = 0; i < 6; i++) expect(scaled.data[i]).toBeCloseTo(column[i] / m, 6)
    expect(Math.max(...Array.from(scaled.data, Math.abs))).toBeCloseTo(1, 6)
    expect(() => rbmFilterImages(rbm)).toThrow(
      /height times width must equal numVisible = 6, got 28x28 = 784/,
    )
    expect(() => rbmFilterImages(rbm, { height: 2, width: 3, units: [3] })).toThrow(
      /units must hold hidden indices in \[0, 3\), got 3/,
    )
  })
})
