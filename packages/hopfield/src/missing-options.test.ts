// Calling a function without its required options object gives a typed error naming the
// function, not a TypeError from inside (a fresh-user review hit several of these).
import { InvalidArgumentError, key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import {
  capacityCurve,
  createNetwork,
  glauberSweep,
  modernHopfieldMemory,
  modernHopfieldRetrieve,
  modernHopfieldUpdate,
  phaseDiagram,
  storeHebbian,
} from './index'

const untyped = (f: unknown) => f as (...args: unknown[]) => unknown

describe('required options', () => {
  const memory = modernHopfieldMemory([
    [1, -1],
    [-1, 1],
  ])
  const network = storeHebbian(createNetwork(2), [[1, -1]])
  test.each([
    ['modernHopfieldUpdate', () => untyped(modernHopfieldUpdate)(memory, [1, 0])],
    ['modernHopfieldRetrieve', () => untyped(modernHopfieldRetrieve)(memory, [1, 0])],
    ['glauberSweep', () => untyped(glauberSweep)(network, [1, 1])],
    ['capacityCurve', () => untyped(capacityCurve)()],
    ['phaseDiagram', () => untyped(phaseDiagram)(null)],
  ])('%s', (name, call) => {
    expect(call).toThrow(InvalidArgumentError)
    expect(call).toThrow(new RegExp(`^${name}: options must be an options object, got (undefined|null)$`))
  })

  test('the options still work when given', () => {
    expect(Array.from(modernHopfieldUpdate(memory, [1, 0], { beta: 50 })).map((v) => Math.round(v))).toEqual([
      1, -1,
    ])
    expect(glauberSweep(network, [1, 1], { temperature: 0.5, key: key(0) }).state.length).toBe(2)
  })

  test('a network too large for its weight array says so', () => {
    expect(() => createNetwork(1e5)).toThrow(
      'createNetwork: size must be at most 16384 (N² float64 weights), got 100000',
    )
  })
})
