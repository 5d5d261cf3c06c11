// Exact samples, the base-rate model, the binarisation protocol, average log-likelihoods and
// checkpoints: closed forms, a chi-square test against enumeration, round trips and errors.
import { key, normalFloats } from '@gen/core-tensor'
import { encodeSafetensors } from '@gen/core-tensor/io'
import { describe, expect, test } from 'vitest'

import { createRbm, initRbm, rbmLogLikelihood, rbmLogProbability, type Rbm } from '../rbm'
import {
  baseRateVisibleBiases,
  binarizeStochastic,
  decodeRbmCheckpoint,
  encodeRbmCheckpoint,
  rbmAis,
  rbmAverageLogLikelihood,
  rbmExactSamples,
} from './index'

function randomRbm(numVisible: number, numHidden: number, seed: number): Rbm {
  return createRbm({
    numVisible,
    numHidden,
    weights: normalFloats(key(seed), numVisible * numHidden, 'float64'),
    visibleBias: normalFloats(key(seed + 1), numVisible, 'float64').map((x) => x * 0.5),
    hiddenBias: normalFloats(key(seed + 2), numHidden, 'float64').map((x) => x * 0.5),
  })
}

/** Pearson chi-square of `count` rows of V bits against the exact p(v) of every state. */
function chiSquare(rbm: Rbm, samples: Float64Array, count: number): number {
  const V = rbm.numVisible
  const states = 2 ** V
  const observed = new Float64Array(states)
  for (let m = 0; m < count; m++) {
    let s = 0
    for (let i = 0; i < V; i++) s |= samples[m * V + i] << i
    observed[s] += 1
  }
  const all = new Float64Array(states * V)
  for (let s = 0; s < states; s++) for (let i = 0; i < V; i++) all[s * V + i] = (s >> i) & 1
  const logP = rbmLogProbability(rbm, all)
  let chi = 0
  for (let s = 0; s < states; s++) {
    const expected = count * Math.exp(logP[s])
    chi += (observed[s] - expected) ** 2 / expected
  }
  return chi
}

describe('rbmExactSamples', () => {
  // 15 degrees of freedom: the 0.999 quantile of χ²(15) is 37.7
  test.each([
    { numVisible: 4, numHidden: 6, side: 'visible' },
    { numVisible: 4, numHidden: 2, side: 'hidden' },
  ])(
    'samples follow the exact p(v) (chi-square, enumerating the $side layer)',
    ({ numVisible, numHidden }) => {
      const rbm = randomRbm(numVisible, numHidden, 70)
      const count = 20000
      const samples = rbmExactSamples(rbm, { count, key: key(8) })
      expect(samples.length).toBe(count * numVisible)
      expect(chiSquare(rbm, samples, count)).toBeLessThan(37.7)
    },
  )

  test('bad input', () => {
    expect(() => rbmExactSamples(randomRbm(3, 2, 1), { count: 0, key: key(0) })).toThrow(
      /rbmExactSamples: count must be a positive integer, got 0/,
    )
    const big = initRbm({ numVisible: 30, numHidden: 30 }, { key: key(0) })
    expect(() => rbmExactSamples(big, { count: 1, key: key(0) })).toThrow(/at most 25 units/)
  })
})

describe('baseRateVisibleBiases', () => {
  test('smoothed log-odds of the pixel means: ln((m + λ) / (1 − m + λ))', () => {
    const data = [1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0] // 4 rows of 3: means 0.75, 0.5, 0
    const b = baseRateVisibleBiases(data, 3, { smoothing: 0.05 })
    expect(b[0]).toBeCloseTo(Math.log(0.8 / 0.3), 12)
    expect(b[1]).toBeCloseTo(0, 12)
    expect(b[2]).toBeCloseTo(Math.log(0.05 / 1.05), 12)
    expect(() => baseRateVisibleBiases(data, 3, { smoothing: 0 })).toThrow(
      /baseRateVisibleBiases: smoothing must be > 0 when a pixel is constant \(pixel 2 has mean 0\)/,
    )
    expect(() => baseRateVisibleBiases(data, 5)).toThrow(
      /data must be a non-empty row-major \[rows, 5\] array/,
    )
  })
})

describe('binarizeStochastic', () => {
  test('pixel n is 1 exactly when its uniform is below p_n: ends, bytes, prefixes and frequencies', () => {
    const bytes = new Uint8Array([0, 255, 0, 255])
    expect(Array.from(binarizeStochastic(bytes, key(1)).values)).toEqual([0, 1, 0, 1])
    const n = 100000
    const half = binarizeStochastic(new Float64Array(n).fill(0.3), key(2))
    const mean = half.values.reduce((a, b) => a + b, 0) / n
    // SE of the mean = sqrt(0.3·0.7/n) = 0.00145
    expect(Math.abs(mean - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / n))
    expect(half.protocol).toBe('stochastic')
    // the first m images of a binarised set are the binarisation of the first m images
    const prefix = binarizeStochastic(new Float64Array(1000).fill(0.3), key(2))
    expect(Array.from(prefix.values)).toEqual(Array.from(half.values.subarray(0, 1000)))
    // bytes are p = x / 255
    const grey = binarizeStochastic(new Uint8Array(1000).fill(51), key(2))
    const asFloat = binarizeStochastic(new Float64Array(1000).fill(51 / 255), key(2))
    expect(Array.from(grey.values)).toEqual(Array.from(asFloat.values))
  })

  test('bad input', () => {
    expect(() => binarizeStochastic([0.5, 1.5], key(0))).toThrow(
      /binarizeStochastic: images must hold intensities in \[0, 1\] \(or bytes\), got 1.5 at index 1/,
    )
    expect(() => binarizeStochastic([], key(0))).toThrow(/images must be non-empty/)
  })
})

describe('rbmAverageLogLikelihood', () => {
  test('exact: the mean of ln p(v); with AIS: −mean F − ln Ẑ, carrying its ESS and the protocol', () => {
    const rbm = randomRbm(8, 5, 80)
    const data = binarizeStochastic(new Float64Array(8 * 50).fill(0.4), key(3))
    const exact = rbmAverageLogLikelihood(rbm, data)
    expect(exact.nats).toBeCloseTo(rbmLogLikelihood(rbm, data.values), 10)
    expect([exact.logZSource, exact.protocol, exact.count, exact.effectiveSampleSize]).toEqual([
      'exact',
      'stochastic',
      50,
      undefined,
    ])
    const ais = rbmAis(rbm, { key: key(4), numRuns: 50, schedule: { numTemperatures: 300 } })
    const estimated = rbmAverageLogLikelihood(rbm, data, { ais })
    expect(estimated.nats).toBeCloseTo(exact.nats - (ais.logZ - exact.logZ), 10)
    expect(estimated.logZSource).toBe('ais')
    expect(estimated.effectiveSampleSize).toBe(ais.effectiveSampleSize)
    expect(Math.abs(estimated.nats - exact.nats)).toBeLessThan(4 * ais.logZStdErr + 1e-9)
    expect(rbmAverageLogLikelihood(rbm, data.values).protocol).toBe('unspecified')
  })

  test('bad input: no AIS estimate for a large RBM, non-binary data', () => {
    const big = initRbm({ numVisible: 30, numHidden: 30 }, { key: key(0) })
    expect(() => rbmAverageLogLikelihood(big, new Float64Array(30))).toThrow(
      /rbmAverageLogLikelihood: options.ais must be given when both layers exceed 25 units/,
    )
    expect(() => rbmAverageLogLikelihood(randomRbm(2, 2, 1), [0, 0.5])).toThrow(/data must hold only 0 and 1/)
  })
})

describe('RBM checkpoints', () => {
  test('F64 round trip is exact, F32 rounds to float32, metadata survives', () => {
    const rbm = randomRbm(7, 3, 90)
    const back = decodeRbmCheckpoint(encodeRbmCheckpoint(rbm, { metadata: { seed: '0', note: 'x' } }))
    expect(Array.from(back.rbm.weights)).toEqual(Array.from(rbm.weights))
    expect(Array.from(back.rbm.visibleBias)).toEqual(Array.from(rbm.visibleBias))
    expect(Array.from(back.rbm.hiddenBias)).toEqual(Array.from(rbm.hiddenBias))
    expect(back.metadata).toEqual({ seed: '0', note: 'x' })
    const small = decodeRbmCheckpoint(encodeRbmCheckpoint(rbm, { dtype: 'F32' }))
    expect(Array.from(small.rbm.weights)).toEqual(Array.from(Float32Array.from(rbm.weights)))
    expect([small.rbm.numVisible, small.rbm.numHidden]).toEqual([7, 3])
  })

  test('bad input: reserved metadata, other files, wrong shapes', () => {
    const rbm = randomRbm(2, 2, 1)
    expect(() => encodeRbmCheckpoint(rbm, { metadata: { kind: 'x' } })).toThrow(
      /encodeRbmCheckpoint: metadata must not set the reserved key 'kind'/,
    )
    expect(() => encodeRbmCheckpoint(rbm, { dtype: 'F16' as 'F32' })).toThrow(
      /dtype must be 'F64' or 'F32', got "F16"/,
    )
    const other = encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } })
    expect(() => decodeRbmCheckpoint(other)).toThrow(
      /decodeRbmCheckpoint: bytes must be a gen-boltzmann-rbm checkpoint/,
    )
    const wrong = encodeSafetensors(
      {
        weights: { dtype: 'F64', shape: [2, 3], data: new Float64Array(6) },
        visibleBias: { dtype: 'F64', shape: [2], data: new Float64Array(2) },
        hiddenBias: { dtype: 'F64', shape: [2], data: new Float64Array(2) },
      },
      { kind: 'gen-boltzmann-rbm', formatVersion: '1', config: '{"numVisible":2,"numHidden":2}' },
    )
    expect(() => decodeRbmCheckpoint(wrong)).toThrow(/bytes must hold 'weights' as \[2, 2\], got \[2, 3\]/)
  })
})
