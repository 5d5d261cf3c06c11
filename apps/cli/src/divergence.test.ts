// The blow-up thresholds: 2 · 784 · ln 2 nats for likelihoods, 1000 for GAN losses.
import { describe, expect, it } from 'vitest'
import { coinFlipNats, ganLossDiverged, likelihoodDiverged, MAX_GAN_LOSS } from './divergence.ts'

describe('divergence', () => {
  it('a coin flip per pixel gives 784 ln 2 = 543.43 nats', () => {
    expect(coinFlipNats()).toBeCloseTo(543.42739, 4)
    expect(coinFlipNats(4)).toBeCloseTo(4 * Math.LN2, 12)
  })

  it('a likelihood diverges below −2 · 784 ln 2 or when not finite', () => {
    const edge = -2 * 784 * Math.LN2
    expect(likelihoodDiverged(-544)).toBe(false) // where training starts
    expect(likelihoodDiverged(-90)).toBe(false)
    expect(likelihoodDiverged(edge)).toBe(false)
    expect(likelihoodDiverged(edge - 1e-9)).toBe(true)
    expect(likelihoodDiverged(-48091)).toBe(true) // gen rbm train --lr 1000 before --lr had a limit
    expect(likelihoodDiverged(Number.NaN)).toBe(true)
    expect(likelihoodDiverged(Number.NEGATIVE_INFINITY)).toBe(true)
    expect(likelihoodDiverged(-1000, 10)).toBe(true)
  })

  it('a GAN loss diverges above 1000 in magnitude or when not finite', () => {
    expect(ganLossDiverged(1.44)).toBe(false)
    expect(ganLossDiverged(-MAX_GAN_LOSS)).toBe(false)
    expect(ganLossDiverged(MAX_GAN_LOSS + 1)).toBe(true)
    expect(ganLossDiverged(-1600)).toBe(true)
    expect(ganLossDiverged(6.3e20)).toBe(true)
    expect(ganLossDiverged(Number.POSITIVE_INFINITY)).toBe(true)
  })
})
