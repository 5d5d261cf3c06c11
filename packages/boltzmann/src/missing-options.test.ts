// Calling a function without its required options object gives a typed error naming the
// function, not a TypeError from inside (a fresh-user review hit several of these).
import { describe, expect, test } from 'vitest'
import { annealBoltzmannMachine, initRbm, rbmContrastiveDivergence, trainBoltzmannMachine } from './index'

const untyped = (f: unknown) => f as (...args: unknown[]) => unknown

describe('required options', () => {
  test.each([
    ['initRbm', () => untyped(initRbm)({ numVisible: 4, numHidden: 3 })],
    ['rbmContrastiveDivergence', () => untyped(rbmContrastiveDivergence)({}, [0, 1, 0, 1])],
    ['trainBoltzmannMachine', () => untyped(trainBoltzmannMachine)({}, {})],
    ['annealBoltzmannMachine', () => untyped(annealBoltzmannMachine)({}, null)],
  ])('%s', (name, call) => {
    expect(call).toThrow(new RegExp(`^${name}: options must be an options object, got (undefined|null)$`))
  })
})
