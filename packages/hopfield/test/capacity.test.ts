// Capacity, bit stability and temperature: the classic results of Amit, Gutfreund and
// Sompolinsky (1985), by the protocol. N = 100 runs in every CI run; N = 1000 runs in a
// reduced form by default and in full with GEN_TEST_FULL=1.
import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { describe, expect, test } from 'vitest'
import { bitStability, capacityCurve, glauberOverlapCurve, meanFieldOverlap } from '../src/index'

const full = isFullRun()

describe('capacity of the Hebbian network (10% flipped probes, asynchronous T = 0 to a fixed point)', () => {
  test('N = 100: α = 0.05 recalls perfectly in ≥ 97% of probes, α = 0.10 keeps m ≥ 0.97, α = 0.25 falls to m ≤ 0.75', () => {
    const [low, mid, high] = capacityCurve({
      size: 100,
      loads: [0.05, 0.1, 0.25],
      key: key(100),
      trials: full ? 40 : 10,
    })
    expect(low.perfectFraction).toBeGreaterThanOrEqual(0.97)
    expect(mid.meanOverlap).toBeGreaterThanOrEqual(0.97)
    expect(high.meanOverlap).toBeLessThanOrEqual(0.75)
    for (const point of [low, mid, high]) expect(point.convergedFraction).toBe(1)
  })

  test(
    'N = 1000: m ≥ 0.98 at α = 0.12 and m ≤ 0.85 at α = 0.16 (the collapse near 0.138)',
    { tags: ['slow'] },
    () => {
      const started = performance.now()
      const [below, above] = capacityCurve({
        size: 1000,
        loads: [0.12, 0.16],
        key: key(1000),
        trials: full ? 3 : 1,
        probesPerTrial: full ? 50 : 30,
      })
      const seconds = (performance.now() - started) / 1000
      console.log(
        `capacity N=1000: ${below.probes + above.probes} probes in ${seconds.toFixed(1)} s`,
        below,
        above,
      )
      expect(below.meanOverlap).toBeGreaterThanOrEqual(0.98)
      expect(above.meanOverlap).toBeLessThanOrEqual(0.85)
    },
  )

  test('Storkey and pseudo-inverse rules hold α = 0.25 at N = 100 where Hebb has collapsed', () => {
    const loads = [0.25]
    const hebb = capacityCurve({ size: 100, loads, key: key(101), trials: 4 })[0]
    const storkey = capacityCurve({ size: 100, loads, key: key(101), trials: 4, rule: 'storkey' })[0]
    const projection = capacityCurve({
      size: 100,
      loads,
      key: key(101),
      trials: 4,
      rule: 'pseudo-inverse',
    })[0]
    expect(storkey.meanOverlap).toBeGreaterThan(hebb.meanOverlap + 5 * hebb.overlapStandardError)
    expect(projection.meanOverlap).toBeGreaterThan(0.97)
  })
})

describe('one-step bit stability at N = 500 against 1 − Φ(−1/√α)', () => {
  test('within 0.003 at α = 0.1, 0.14, 0.25', { tags: ['slow'] }, () => {
    const points = bitStability({ size: 500, loads: [0.1, 0.14, 0.25], key: key(500), trials: full ? 8 : 2 })
    for (const point of points) {
      expect(Math.abs(point.stableFraction - point.theory)).toBeLessThan(0.003)
      // And within 5 binomial standard errors (plus the O(1/N) bias of the Gaussian cross-talk).
      expect(Math.abs(point.stableFraction - point.theory)).toBeLessThan(5 * point.standardError + 1e-3)
    }
  })
})

// Exact finite-N Curie–Weiss: with one pattern, E = −(M² − N)/(2N) for M = Σ s_i ξ_i, so
// P(M) ∝ C(N, (N+M)/2) exp(M²/(2NT)). Conditioning on M > 0 matches a run started on the pattern
// below T = 1, where the free-energy barrier keeps m from reversing.
function exactOverlap(size: number, temperature: number): { positive: number; absolute: number } {
  const logWeights: number[] = []
  const ms: number[] = []
  let logBinomial = 0 // log C(N, k) built up from k = 0
  for (let k = 0; k <= size; k++) {
    if (k > 0) logBinomial += Math.log((size - k + 1) / k)
    const magnetisation = 2 * k - size
    ms.push(magnetisation / size)
    logWeights.push(logBinomial + (magnetisation * magnetisation) / (2 * size * temperature))
  }
  const top = Math.max(...logWeights)
  let z = 0
  let zPositive = 0
  let positive = 0
  let absolute = 0
  for (let k = 0; k <= size; k++) {
    const w = Math.exp(logWeights[k] - top)
    z += w
    absolute += w * Math.abs(ms[k])
    if (ms[k] > 0) {
      zPositive += w
      positive += w * ms[k]
    }
  }
  return { positive: positive / zPositive, absolute: absolute / z }
}

describe('Glauber dynamics with one stored pattern follows m = tanh(m/T)', () => {
  test('mean-field roots: 0.9575 at T = 0.5, 0.525 at T = 0.9, 0 above T = 1', () => {
    expect(meanFieldOverlap(0.5)).toBeCloseTo(0.9575, 4)
    expect(meanFieldOverlap(0.9)).toBeCloseTo(0.5254, 4)
    expect(meanFieldOverlap(1.2)).toBe(0)
    expect(() => meanFieldOverlap(0)).toThrow(/meanFieldOverlap: temperature must be > 0, got 0/)
  })

  test(
    'simulation matches the exact finite-N value within 4 standard errors, and mean field within finite-size tolerance',
    { tags: ['slow'] },
    () => {
      const size = full ? 2000 : 1000
      const points = glauberOverlapCurve({
        size,
        temperatures: [0.5, 0.9, 1.5],
        key: key(7),
        sweeps: full ? 1000 : 250,
        burnIn: 50,
      })
      for (const point of points) {
        const exact = exactOverlap(size, point.temperature)
        const simulated = point.temperature < 1 ? point.meanOverlap : point.meanAbsOverlap
        const target = point.temperature < 1 ? exact.positive : exact.absolute
        console.log(
          `T=${point.temperature}: m=${simulated.toFixed(4)} ± ${point.standardError.toFixed(4)}, exact N=${size}: ${target.toFixed(4)}, mean field ${point.meanField.toFixed(4)}`,
        )
        expect(Math.abs(simulated - target)).toBeLessThan(4 * point.standardError + 2 / size)
      }
      const [cold, near, hot] = points
      // Mean field is the N → ∞ limit; the finite-N gap is O(1/√N) near T = 1 and tiny at T = 0.5.
      expect(Math.abs(cold.meanOverlap - 0.9575)).toBeLessThan(0.01)
      expect(Math.abs(near.meanOverlap - 0.525)).toBeLessThan(1.5 / Math.sqrt(size))
      // Above T = 1, |m| ~ sqrt(2T / (π N (T − 1))): near 0.
      expect(hot.meanAbsOverlap).toBeLessThan(3 / Math.sqrt(size))
    },
  )
})
