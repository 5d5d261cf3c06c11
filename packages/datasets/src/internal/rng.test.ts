import { expect, test } from 'vitest'
import { checkSeed, createRng, permutation } from './rng.js'

test('the same seed and stream give the same numbers; other streams and seeds differ', () => {
  const a = createRng(7)
  const b = createRng(7)
  const first = Array.from({ length: 5 }, () => a.nextUint32())
  expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first)
  const c = createRng(7, 1)
  expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(first)
  const d = createRng(8)
  expect(Array.from({ length: 5 }, () => d.nextUint32())).not.toEqual(first)
  // Seeds that differ only above 2^32 are different seeds.
  const e = createRng(7 + 2 ** 32)
  expect(Array.from({ length: 5 }, () => e.nextUint32())).not.toEqual(first)
})

test('uniform draws lie in [0, 1) with mean 1/2 and variance 1/12 within 4 standard errors', () => {
  const rng = createRng(42)
  const n = 200_000
  let sum = 0
  let sumSq = 0
  let outside = 0
  for (let i = 0; i < n; i++) {
    const u = rng.uniform()
    if (!(u >= 0 && u < 1)) outside++
    sum += u
    sumSq += u * u
  }
  expect(outside).toBe(0)
  const mean = sum / n
  const variance = sumSq / n - mean * mean
  expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n))
  // Var of u² is 1/5 - 1/9 = 4/45.
  expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt(4 / 45 / n))
})

test('normal draws (seed 42) are finite with mean 0 and standard deviation 1 (case H9)', () => {
  const rng = createRng(42)
  const n = 1_000_000
  let sum = 0
  let sumSq = 0
  let infinite = 0
  for (let i = 0; i < n; i++) {
    const z = rng.normal()
    if (!Number.isFinite(z)) infinite++
    sum += z
    sumSq += z * z
  }
  expect(infinite).toBe(0)
  expect(Math.abs(sum / n)).toBeLessThan(0.005)
  expect(Math.abs(Math.sqrt(sumSq / n) - 1)).toBeLessThan(0.005)
})

test('permutation holds every index once and integer draws cover [0, n)', () => {
  const order = permutation(1000, createRng(3))
  expect(new Set(order).size).toBe(1000)
  expect(Math.max(...order)).toBe(999)
  const rng = createRng(5)
  const counts = [0, 0, 0]
  for (let i = 0; i < 30_000; i++) counts[rng.integer(3)]++
  // Each count is Binomial(30000, 1/3): sd ≈ 81.6.
  for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(4 * 81.6)
})

test('checkSeed rejects non-integers and unsafe integers', () => {
  expect(() => checkSeed('f', 1.5)).toThrow('f: seed must be a safe integer, got 1.5')
  expect(() => checkSeed('f', 2 ** 60)).toThrow(/safe integer/)
  expect(() => checkSeed('f', -3)).not.toThrow()
})
