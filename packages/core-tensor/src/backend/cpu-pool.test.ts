import { describe, expect, it } from 'vitest'
import * as T from '../index'
import { Float32Pool } from './cpu-pool'

describe('Float32Pool', () => {
  it('reuses a given array, zero-filled unless asked not to', () => {
    const pool = new Float32Pool()
    const a = new Float32Array(1 << 16).fill(3)
    pool.give(a)
    const b = pool.take(1 << 16)
    expect(b).toBe(a)
    expect(b.every((v) => v === 0)).toBe(true)
    b.fill(5)
    pool.give(b)
    const c = pool.take(1 << 16, false)
    expect(c).toBe(a)
    expect(c[7]).toBe(5)
    // empty again: a fresh array
    expect(pool.take(1 << 16)).not.toBe(a)
  })

  it('keeps out small arrays, views into larger buffers, and anything past its cap', () => {
    const pool = new Float32Pool()
    const small = new Float32Array(1000)
    pool.give(small)
    expect(pool.take(1000)).not.toBe(small)
    const whole = new Float32Array(1 << 18)
    const view = whole.subarray(0, 1 << 16)
    pool.give(view)
    expect(pool.take(1 << 16)).not.toBe(view)
    // 64 MiB cap: five 16 MiB arrays, the fifth is not kept
    const big = Array.from({ length: 5 }, () => new Float32Array(1 << 22))
    big.forEach((x) => pool.give(x))
    const back = Array.from({ length: 5 }, () => pool.take(1 << 22))
    expect(back.filter((x) => big.some((b) => b === x))).toHaveLength(4)
  })

  it('a disposed cpu tensor never leaks its values into a new one', () => {
    const n = 1 << 17
    const x = T.full([n], 7)
    const y = T.add(x, 1)
    T.dispose([x, y])
    const z = T.zeros([n])
    const s = T.sum(T.add(z, T.zeros([n])))
    expect(s.item()).toBe(0)
    const u = T.mul(T.ones([n]), 2)
    expect(T.sum(u).item()).toBe(2 * n)
  })
})
