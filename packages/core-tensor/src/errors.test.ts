import { describe, expect, it, test } from 'vitest'
import {
  BackendMismatchError,
  GenError,
  InvalidArgumentError,
  ShapeError,
  assert,
  checkOptions,
} from './errors'

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
