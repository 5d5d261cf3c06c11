import { describe, expect, it } from 'vitest'
import { reference } from '../backend/reference'
import { fromArray } from '../ops/creation'
import type { Tensor } from '../tensor'
import { emaInit, emaUpdate } from './ema'

describe('parameter EMA', () => {
  it('starts at a copy and folds in θ̄ ← dθ̄ + (1−d)θ', () => {
    const p0 = { w: fromArray([1, -1], { backend: reference }) }
    const start = emaInit(p0)
    const w0 = (start.average as { w: Tensor }).w
    expect(w0).not.toBe(p0.w)
    expect([...w0.dataSync()]).toEqual([1, -1])
    const p = { w: fromArray([3, 1], { backend: reference }) }
    const one = emaUpdate(start, p, 0.9)
    const two = emaUpdate(one, p, 0.9)
    expect(two.count).toBe(2)
    const avg = (two.average as { w: Tensor }).w.dataSync()
    expect(avg[0]).toBeCloseTo(1.38, 14) // 1 → 1.2 → 1.38
    expect(avg[1]).toBeCloseTo(-0.62, 14) // -1 → -0.8 → -0.62
  })

  it('rejects a decay outside [0, 1]', () => {
    const p = { w: fromArray([1], { backend: reference }) }
    expect(() => emaUpdate(emaInit(p), p, 1.01)).toThrow(/emaUpdate: decay must be in \[0, 1\], got 1.01/)
  })
})
