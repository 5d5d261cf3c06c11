import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors'
import { constantSchedule, cosineSchedule, stepSchedule, warmupCosineSchedule } from './schedules'

describe('schedules', () => {
  it('constant', () => {
    expect(constantSchedule(0.1)(0)).toBe(0.1)
    expect(constantSchedule(0.1)(12345)).toBe(0.1)
  })

  it('step: η₀·γ^⌊s/size⌋', () => {
    const s = stepSchedule({ initial: 1, stepSize: 10, gamma: 0.5 })
    expect([0, 9, 10, 19, 20, 35].map(s)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125])
  })

  it('cosine: starts at η₀, halves at S/2, ends at α·η₀ and stays there', () => {
    const s = cosineSchedule({ initial: 2, decaySteps: 100, alpha: 0.1 })
    expect(s(0)).toBe(2)
    expect(s(50)).toBeCloseTo(2 * (0.9 * 0.5 + 0.1), 15)
    expect(s(25)).toBeCloseTo(2 * (0.9 * 0.5 * (1 + Math.SQRT1_2) + 0.1), 15)
    expect(s(100)).toBeCloseTo(0.2, 15)
    expect(s(1000)).toBeCloseTo(0.2, 15)
  })

  it('warmup + cosine: linear to the peak, then cosine to the end', () => {
    const s = warmupCosineSchedule({ initial: 0, peak: 1, warmupSteps: 10, totalSteps: 110, end: 0.1 })
    expect(s(0)).toBe(0)
    expect(s(5)).toBe(0.5)
    expect(s(10)).toBe(1)
    expect(s(60)).toBeCloseTo(0.1 + 0.9 * 0.5, 15)
    expect(s(110)).toBeCloseTo(0.1, 15)
    expect(s(500)).toBeCloseTo(0.1, 15)
  })

  it('rejects bad options and steps with typed errors', () => {
    expect(() => stepSchedule({ initial: 1, stepSize: 0 })).toThrow(
      /stepSchedule: stepSize must be a finite integer >= 1, got 0/,
    )
    expect(() => cosineSchedule({ initial: 1, decaySteps: 10, alpha: 2 })).toThrow(
      /cosineSchedule: alpha must be in \[0, 1\], got 2/,
    )
    expect(() => warmupCosineSchedule({ peak: 1, warmupSteps: 10, totalSteps: 10 })).toThrow(
      /warmupCosineSchedule: totalSteps must be > warmupSteps \(10\), got 10/,
    )
    expect(() => constantSchedule(1)(-1)).toThrow(InvalidArgumentError)
    expect(() => constantSchedule(1)(1.5)).toThrow(/constantSchedule: step must be an integer >= 0, got 1.5/)
  })
})
