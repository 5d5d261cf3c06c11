// Calls without their options object, or with the wrong kind of argument, get a typed error
// naming the function and the argument, not a TypeError from inside (a fresh-user review hit each).
import { describe, expect, test } from 'vitest'
import { IdxFormatError, InvalidArgumentError } from './errors.js'
import { batchCount } from './batches.js'
import { encodeIdx } from './idx.js'
import { flipSpins, randomSpinPatterns } from './patterns.js'
import { tokenizeText } from './text/tokenizer.js'
import { eightGaussians } from './toy2d.js'

const untyped = <T>(f: T) => f as unknown as (...args: unknown[]) => unknown

describe('missing or malformed options', () => {
  test('toy samplers, spin patterns and flips name their options', () => {
    expect(() =>
      untyped((count: number, options: { seed: number }) => eightGaussians().sample(count, options))(10),
    ).toThrow('eight-gaussians.sample: options must be an object such as { seed: 0 }, got undefined')
    expect(() => untyped(randomSpinPatterns)(3, 10)).toThrow(
      'randomSpinPatterns: options must be an object such as { seed: 0 }, got undefined',
    )
    expect(() => untyped(flipSpins)([1, -1], 0.1)).toThrow(
      'flipSpins: options must be an object such as { noise: 0.1, seed: 0 }, got 0.1',
    )
    expect(() => eightGaussians().sample(1e12, { seed: 0 })).toThrow(/count must be at most 2\^29 points/)
  })

  test('batchCount checks its count and batch size', () => {
    expect(batchCount(10, { batchSize: 3 })).toBe(4)
    expect(batchCount(10, { batchSize: 3, dropLast: true })).toBe(3)
    expect(() => batchCount(-3, { batchSize: 2 })).toThrow(
      'batchCount: count must be a non-negative integer, got -3',
    )
    expect(() => batchCount(10, { batchSize: 0 })).toThrow(InvalidArgumentError)
    expect(() => untyped(batchCount)(10)).toThrow(/batchCount: options must be an object/)
  })

  test('encodeIdx and tokenizeText reject what they cannot read', () => {
    expect(() => untyped(encodeIdx)({})).toThrow(IdxFormatError)
    expect(() => untyped(encodeIdx)(null)).toThrow('array must be { dtype, shape, data }, got null')
    expect(() => encodeIdx({ dtype: 'complex' as 'uint8', shape: [1], data: new Uint8Array(1) })).toThrow(
      /array\.dtype must be one of .*got complex/,
    )
    expect(() => untyped(tokenizeText)()).toThrow('tokenizeText: text must be a string, got undefined')
  })
})
