import { InvalidArgumentError, key, memoryStats, reference } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import {
  createNetwork,
  flipBits,
  networkFromWeights,
  randomPatterns,
  recall,
  storeHebbian,
  storeStorkey,
  synchronousRecallBatch,
} from './index'

describe('synchronousRecallBatch', () => {
  test('equals per-probe synchronous recall, state for state, for Hebbian and Storkey weights', async () => {
    const n = 120
    const patterns = randomPatterns(key(3), 18, n)
    for (const network of [
      storeHebbian(createNetwork(n), patterns),
      storeStorkey(createNetwork(n), patterns),
    ]) {
      // 10% and 40% flipped: some probes reach their pattern, some a spurious state or a 2-cycle
      const probes = patterns.flatMap((p, i) => [
        flipBits(p, 0.1, key(100 + i)),
        flipBits(p, 0.4, key(200 + i)),
      ])
      const batch = await synchronousRecallBatch(network, probes)
      // both endings occur in this batch (31 + 5 and 33 + 3 with these keys), so both are compared
      expect(batch.outcomes).toContain('fixed-point')
      expect(batch.outcomes).toContain('cycle')
      probes.forEach((probe, b) => {
        const one = recall(network, probe, { dynamics: 'synchronous', record: 'none' })
        expect(Array.from(batch.states[b])).toEqual(Array.from(one.state))
        expect(batch.steps[b]).toBe(one.sweeps)
        expect(batch.outcomes[b]).toBe(one.converged ? 'fixed-point' : 'cycle')
      })
    }
  })

  test('finds the period-2 cycle of H10 test B and the fixed point next to it', async () => {
    const network = networkFromWeights([
      [0, -1],
      [-1, 0],
    ])
    const { states, steps, outcomes } = await synchronousRecallBatch(network, [
      [-1, -1],
      [1, -1],
    ])
    expect(Array.from(states[0])).toEqual([-1, -1])
    expect(outcomes).toEqual(['cycle', 'fixed-point'])
    expect(steps).toEqual([2, 1])
  })

  test('a zero field keeps the old value, on the float64 reference backend too', async () => {
    // W = [[0, 1, -1], ...]: unit 0 sees s1 − s2 = 0 from (s, 1, 1)
    const network = networkFromWeights([
      [0, 1, -1],
      [1, 0, 1],
      [-1, 1, 0],
    ])
    for (const backend of [undefined, reference]) {
      const { states } = await synchronousRecallBatch(network, [[-1, 1, 1]], { backend, maxSteps: 1 })
      expect(states[0][0]).toBe(-1)
    }
  })

  test('leaves no live tensors behind', async () => {
    const network = storeHebbian(createNetwork(50), randomPatterns(key(1), 3, 50))
    const before = memoryStats().tensors
    await synchronousRecallBatch(network, randomPatterns(key(2), 8, 50))
    expect(memoryStats().tensors).toBe(before)
  })

  test('rejects an empty batch, a probe of the wrong length and a bad maxSteps', async () => {
    const network = createNetwork(4)
    await expect(synchronousRecallBatch(network, [])).rejects.toThrow(InvalidArgumentError)
    await expect(synchronousRecallBatch(network, [[1, 1, 1]])).rejects.toThrow(/probes\[0\]/)
    await expect(synchronousRecallBatch(network, [[1, 1, 1, 1]], { maxSteps: 0 })).rejects.toThrow(/maxSteps/)
  })
})
