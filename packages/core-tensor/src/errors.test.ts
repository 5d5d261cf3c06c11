import { describe, expect, it, test } from 'vitest'
import {
  BackendMismatchError,
  GenError,
  InvalidArgumentError,
  ShapeError,
  assert,
  checkOptions,
} from './errors'
import * as T from './index'

describe('errors', () => {
  it('formats messages as <op>: <what must hold>, got <actual>', () => {
    const error = new ShapeError('matmul', 'inner dimensions must match, got a=[2,3] and b=[4,5]', [
      [2, 3],
      [4, 5],
    ])
    expect(error.message).toBe('matmul: inner dimensions must match, got a=[2,3] and b=[4,5]')
    expect(error.code).toBe('SHAPE')
    expect(error.shapes).toEqual([
      [2, 3],
      [4, 5],
    ])
    expect(error).toBeInstanceOf(GenError)
    expect(error).toBeInstanceOf(Error)
  })

  it('names the argument of an invalid value', () => {
    const error = new InvalidArgumentError('sweep', 'temperature', 'must be > 0, got -1')
    expect(error.message).toBe('sweep: temperature must be > 0, got -1')
    expect(error.argument).toBe('temperature')
  })

  it('recognises gen errors from another copy of the package by the global marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('gen.error')]: true })
    expect(GenError.isInstance(foreign)).toBe(true)
    expect(GenError.isInstance(new Error('x'))).toBe(false)
    expect(GenError.isInstance(new BackendMismatchError('add', ['cpu', 'reference']))).toBe(true)
    expect(GenError.isInstance(null)).toBe(false)
  })

  it('assert builds the error only when the condition fails', () => {
    let built = 0
    const make = () => {
      built += 1
      return new GenError('boom')
    }
    assert(true, make)
    expect(built).toBe(0)
    expect(() => assert(false, make)).toThrow('boom')
    expect(built).toBe(1)
  })
})

test('checkOptions names the function and what it got, and lets objects through', () => {
  expect(() => checkOptions('simulate', undefined)).toThrow(
    'simulate: options must be an options object, got undefined',
  )
  expect(() => checkOptions('simulate', null)).toThrow('got null')
  expect(() => checkOptions('simulate', 3)).toThrow(InvalidArgumentError)
  expect(() => checkOptions('simulate', 3)).toThrow('got 3')
  expect(() => checkOptions('simulate', {})).not.toThrow()
})

describe('huge sizes are refused by name before any allocation', () => {
  // Each would otherwise throw a bare RangeError from a typed-array constructor, or try to
  // allocate gigabytes and take the process down.
  const cases: [string, () => unknown, string][] = [
    [
      'zeros',
      () => T.zeros([1e6, 1e6]),
      'zeros: shape must give at most 2^31 - 1 = 2147483647 elements, got [1000000,1000000] = 1000000000000 elements',
    ],
    ['full', () => T.full([3e9], 1), 'full: shape must give at most'],
    ['arange', () => T.arange(0, 1e12), 'arange: stop must give at most'],
    ['linspace', () => T.linspace(0, 1, 3e9), 'linspace: num must give at most'],
    ['eye', () => T.eye(1e6), 'eye: shape must give at most'],
    [
      'truncatedNormal',
      () => T.truncatedNormal(T.key(0), [1e6, 1e6]),
      'truncatedNormal: shape must give at most',
    ],
    [
      'randint',
      () => T.randint(T.key(0), [2 ** 31], { low: 0, high: 2 }),
      'randint: shape must give at most',
    ],
    ['normalFloats', () => T.normalFloats(T.key(0), 3e9), 'normalFloats: count must be at most 2^30'],
    ['uniformFloats', () => T.uniformFloats(T.key(0), 2 ** 31), 'uniformFloats: count must be at most 2^30'],
  ]
  for (const [name, make, message] of cases) {
    test(name, () => {
      expect(make).toThrow(InvalidArgumentError)
      expect(make).toThrow(message)
    })
  }

  it('the largest allowed count is not refused by the check itself', () => {
    expect(() => T.zeros([0, 2 ** 31 - 1])).not.toThrow()
  })
})
