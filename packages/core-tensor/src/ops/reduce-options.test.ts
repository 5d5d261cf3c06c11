// `sum(x, 0)` in NumPy reduces axis 0; here the second argument is an options object, and a bare
// number used to be read as "no axis" and reduce everything. Every reduction now refuses it.
import { describe, expect, test } from 'vitest'
import {
  InvalidArgumentError,
  argmax,
  argmin,
  cpu,
  logSumExp,
  max,
  mean,
  min,
  ones,
  prod,
  std,
  sum,
  variance,
} from '../index'

const untyped = (f: unknown) => f as (x: unknown, options: unknown) => unknown

describe('reductions refuse a bare axis where options belong', () => {
  const x = ones([2, 3], { backend: cpu })
  test.each([
    ['sum', sum],
    ['prod', prod],
    ['max', max],
    ['min', min],
    ['mean', mean],
    ['variance', variance],
    ['std', std],
    ['argmax', argmax],
    ['argmin', argmin],
    ['logSumExp', logSumExp],
  ])('%s(x, 0) and (x, [0]) throw, naming the fix', (name, op) => {
    expect(() => untyped(op)(x, 0)).toThrow(InvalidArgumentError)
    expect(() => untyped(op)(x, 0)).toThrow(
      `${name}: options must be an object { axis?, keepdims? }, got 0 — to reduce one axis pass { axis: 0 }`,
    )
    expect(() => untyped(op)(x, [0])).toThrow(/options must be an object/)
  })

  test('the options form still reduces the axis asked for', () => {
    expect(Array.from(sum(x, { axis: 0 }).dataSync())).toEqual([2, 2, 2])
    expect(Array.from(mean(x, { axis: 1 }).dataSync())).toEqual([1, 1])
    expect(sum(x).dataSync()[0]).toBe(6)
  })
})
