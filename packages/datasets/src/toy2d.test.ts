import { expect, test } from 'vitest'
import {
  checkerboard,
  eightGaussians,
  rings,
  swissRoll,
  toyDistribution,
  twentyFiveGaussians,
  twoMoons,
} from './toy2d.js'

test('mixture densities in closed form', () => {
  const eight = eightGaussians({ radius: 2, std: 0.1 })
  // At a centre: own Gaussian peak 1/(2πσ²) over 8 components; the nearest other centre is
  // 2·2·sin(π/8) ≈ 1.53 away, contributing exp(-117) ≈ 0.
  expect(eight.density(2, 0)).toBeCloseTo(1 / (8 * 2 * Math.PI * 0.01), 10)
  expect(eight.covariance).toEqual([
    [2 + 0.01, expect.closeTo(0, 12)],
    [expect.closeTo(0, 12), expect.closeTo(2 + 0.01, 12)],
  ])
  const grid = twentyFiveGaussians()
  expect(grid.covariance[0][0]).toBeCloseTo(2 + 0.0025, 12)
  expect(grid.density(0, 0)).toBeCloseTo(1 / (25 * 2 * Math.PI * 0.0025), 8)
})

test('checkerboard: density 1/8 on dark squares, moments of the 4x4 board', () => {
  const board = checkerboard()
  expect(board.density(-1.5, -1.5)).toBe(0.125)
  expect(board.density(-0.5, -1.5)).toBe(0)
  expect(board.density(3, 0)).toBe(0)
  expect(board.mean).toEqual([0, 0])
  expect(board.covariance[0][0]).toBeCloseTo(4 / 3, 12)
  expect(board.covariance[0][1]).toBeCloseTo(0.25, 12)
  const points = board.sample(1000, { seed: 1 })
  for (let i = 0; i < 1000; i++) expect(board.density(points[2 * i], points[2 * i + 1])).toBe(0.125)
})

test('two moons moments in closed form', () => {
  const moons = twoMoons({ noise: 0.1 })
  expect(moons.mean).toEqual([0.5, 0.25])
  expect(moons.covariance[0][0]).toBeCloseTo(0.76, 12)
  expect(moons.covariance[1][1]).toBeCloseTo(9 / 16 - 1 / Math.PI + 0.01, 12)
  expect(moons.covariance[0][1]).toBeCloseTo(0.125 - 1 / Math.PI, 12)
})

test('swiss roll closed-form moments agree with a direct quadrature over t', () => {
  const roll = swissRoll({ scale: 0.2, noise: 0.05 })
  const a = 1.5 * Math.PI
  const b = 4.5 * Math.PI
  const n = 200_000
  let ex = 0
  let ey = 0
  let exx = 0
  let eyy = 0
  let exy = 0
  for (let i = 0; i < n; i++) {
    const t = a + ((i + 0.5) / n) * (b - a) // midpoint rule
    const x = 0.2 * t * Math.cos(t)
    const y = 0.2 * t * Math.sin(t)
    ex += x / n
    ey += y / n
    exx += (x * x) / n
    eyy += (y * y) / n
    exy += (x * y) / n
  }
  expect(roll.mean[0]).toBeCloseTo(ex, 8)
  expect(roll.mean[1]).toBeCloseTo(ey, 8)
  expect(roll.covariance[0][0]).toBeCloseTo(exx - ex * ex + 0.0025, 8)
  expect(roll.covariance[1][1]).toBeCloseTo(eyy - ey * ey + 0.0025, 8)
  expect(roll.covariance[0][1]).toBeCloseTo(exy - ex * ey, 8)
})

test('ring density is radial and matches the one-ring closed form', () => {
  const one = rings({ radii: [1], noise: 0.1 })
  const gauss = (v: number): number => Math.exp(-(v * v) / 0.02) / (Math.sqrt(2 * Math.PI) * 0.1)
  expect(one.density(1, 0)).toBeCloseTo((gauss(0) + gauss(2)) / (2 * Math.PI), 12)
  expect(one.density(0, 1)).toBeCloseTo(one.density(Math.SQRT1_2, Math.SQRT1_2), 12)
  expect(one.covariance[0][0]).toBeCloseTo((1 + 0.01) / 2, 12)
})

test('samples are seeded and the samplers check their arguments', () => {
  const moons = toyDistribution('two-moons')
  expect(moons.sample(5, { seed: 3 })).toEqual(moons.sample(5, { seed: 3 }))
  expect(moons.sample(5, { seed: 3 })).not.toEqual(moons.sample(5, { seed: 4 }))
  expect(() => moons.sample(-1, { seed: 0 })).toThrow(
    'twoMoons.sample: count must be a non-negative integer, got -1',
  )
  expect(() => eightGaussians({ std: 0 })).toThrow('eightGaussians: std must be a finite number > 0, got 0')
  expect(() => checkerboard({ cells: 3 })).toThrow(
    'checkerboard: cells must be a positive even integer, got 3',
  )
  expect(() => toyDistribution('spiral' as 'rings')).toThrow(
    /toyDistribution: name must be one of .*got spiral/,
  )
})

test('every covariance is symmetric and positive definite', () => {
  for (const name of [
    'eight-gaussians',
    'twenty-five-gaussians',
    'two-moons',
    'swiss-roll',
    'checkerboard',
    'rings',
  ] as const) {
    const [[a, b], [c, d]] = toyDistribution(name).covariance
    expect(b, name).toBe(c)
    expect(a > 0 && a * d - b * c > 0, name).toBe(true)
  }
})
