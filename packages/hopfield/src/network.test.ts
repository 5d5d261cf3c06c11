import { GenError, InvalidArgumentError, key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { recall } from './dynamics'
import { glyphPatterns } from './glyphs'
import {
  createNetwork,
  energy,
  localFields,
  networkFromWeights,
  pseudoInverseNetwork,
  storeHebbian,
  storeStorkey,
  withThresholds,
} from './network'
import { randomPatterns } from './patterns'

const p1 = [1, -1, 1, -1]
const p2 = [1, 1, -1, -1]
const expectedW = [
  [0, 0, 0, -0.5],
  [0, 0, -0.5, 0],
  [0, -0.5, 0, 0],
  [-0.5, 0, 0, 0],
]

function rows(w: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(w.subarray(i * n, i * n + n)))
}

describe('H10 test A: Hebbian storage accumulates', () => {
  test('store(p1); store(p2) gives (p1p1ᵀ + p2p2ᵀ)/4 with a zero diagonal', () => {
    const net = storeHebbian(storeHebbian(createNetwork(4), p1), p2)
    expect(rows(net.weights, 4)).toEqual(expectedW)
    expect(net.patternCount).toBe(2)
  })

  test('store([p1, p2]) in one call gives the same W', () => {
    const net = storeHebbian(createNetwork(4), [p1, p2])
    expect(rows(net.weights, 4)).toEqual(expectedW)
  })

  test('recall(p1) = p1 and recall(p2) = p2 (the overwrite bug returned -p1)', () => {
    const net = storeHebbian(storeHebbian(createNetwork(4), p1), p2)
    expect(Array.from(recall(net, p1).state)).toEqual(p1)
    expect(Array.from(recall(net, p2).state)).toEqual(p2)
    expect(Array.from(recall(net, p1, { dynamics: 'synchronous' }).state)).toEqual(p1)
  })

  test('storing does not mutate the input network', () => {
    const empty = createNetwork(4)
    storeHebbian(empty, p1)
    expect(Array.from(empty.weights)).toEqual(new Array(16).fill(0))
  })
})

describe('storage rules', () => {
  test('stored patterns are fixed points at low load (Hebb, N = 200, P = 5)', () => {
    const patterns = randomPatterns(key(11), 5, 200)
    const net = storeHebbian(createNetwork(200), patterns)
    for (const xi of patterns) {
      const h = localFields(net, xi)
      for (let i = 0; i < 200; i++) expect(h[i] * xi[i]).toBeGreaterThan(0)
    }
  })

  test('pseudo-inverse stores independent patterns exactly where Hebb fails (N = 50, P = 25)', () => {
    const patterns = randomPatterns(key(12), 25, 50)
    const hebb = storeHebbian(createNetwork(50), patterns)
    const projection = pseudoInverseNetwork(patterns)
    let hebbUnstable = 0
    for (const xi of patterns) {
      const hh = localFields(hebb, xi)
      const hp = localFields(projection, xi)
      for (let i = 0; i < 50; i++) {
        if (hh[i] * xi[i] <= 0) hebbUnstable++
        expect(hp[i] * xi[i]).toBeGreaterThan(0)
      }
      expect(Array.from(recall(projection, xi).state)).toEqual(Array.from(xi))
    }
    // At α = 0.5 the Hebbian cross-talk flips about Φ(-√2) ≈ 8% of the bits.
    expect(hebbUnstable).toBeGreaterThan(25)
  })

  test('pseudo-inverse with the full diagonal is a projector: W ξ = ξ', () => {
    const patterns = randomPatterns(key(13), 6, 20)
    const net = pseudoInverseNetwork(patterns, { zeroDiagonal: false })
    for (const xi of patterns) {
      const h = localFields(net, xi)
      for (let i = 0; i < 20; i++) expect(h[i]).toBeCloseTo(xi[i], 10)
    }
  })

  test('pseudo-inverse stores the correlated glyphs, Hebb does not', () => {
    const glyphs = glyphPatterns()
    const projection = pseudoInverseNetwork(glyphs)
    const hebb = storeHebbian(createNetwork(100), glyphs)
    let hebbFixed = 0
    for (const g of glyphs) {
      expect(Array.from(recall(projection, g).state)).toEqual(Array.from(g))
      if (recall(hebb, g).state.every((v, i) => v === g[i])) hebbFixed++
    }
    expect(hebbFixed).toBeLessThan(glyphs.length)
  })

  test('pseudo-inverse rejects dependent patterns with a typed error', () => {
    expect(() => pseudoInverseNetwork([p1, p2, p1])).toThrow(InvalidArgumentError)
    expect(() => pseudoInverseNetwork([p1, p2, p1])).toThrow(/linearly independent, got pattern 2/)
  })

  test('Storkey rule: one pattern gives the Hebbian weights; accumulates; symmetric, zero diagonal', () => {
    const one = storeStorkey(createNetwork(4), p1)
    expect(Array.from(one.weights)).toEqual(Array.from(storeHebbian(createNetwork(4), p1).weights))
    const patterns = randomPatterns(key(14), 8, 40)
    const a = storeStorkey(storeStorkey(createNetwork(40), patterns.slice(0, 3)), patterns.slice(3))
    const b = storeStorkey(createNetwork(40), patterns)
    for (let k = 0; k < a.weights.length; k++) expect(a.weights[k]).toBeCloseTo(b.weights[k], 12)
    for (let i = 0; i < 40; i++) {
      expect(b.weights[i * 40 + i]).toBe(0)
      for (let j = 0; j < 40; j++) expect(b.weights[i * 40 + j]).toBeCloseTo(b.weights[j * 40 + i], 12)
    }
  })

  test('Storkey keeps more patterns stable than Hebb at α = 0.2 (N = 100)', () => {
    const patterns = randomPatterns(key(15), 20, 100)
    const count = (net: ReturnType<typeof createNetwork>): number => {
      let unstable = 0
      for (const xi of patterns) {
        const h = localFields(net, xi)
        for (let i = 0; i < 100; i++) if (h[i] * xi[i] <= 0) unstable++
      }
      return unstable
    }
    const hebb = count(storeHebbian(createNetwork(100), patterns))
    const storkey = count(storeStorkey(createNetwork(100), patterns))
    expect(storkey).toBeLessThan(hebb)
  })
})

describe('energy and thresholds', () => {
  test('E = −½ sᵀWs + θ·s', () => {
    const net = networkFromWeights(
      [
        [0, -1],
        [-1, 0],
      ],
      { thresholds: [0.5, -0.25] },
    )
    // −½(2·(−1)·(1·−1)) = −1; θ·s = 0.5 + 0.25
    expect(energy(net, [1, -1])).toBeCloseTo(-1 + 0.75, 14)
    expect(
      energy(
        networkFromWeights([
          [0, -1],
          [-1, 0],
        ]),
        [-1, -1],
      ),
    ).toBe(1)
  })

  test('a threshold tips a unit with a weak field', () => {
    const net = withThresholds(storeHebbian(createNetwork(4), p1), [0, 0, 0, 2])
    expect(localFields(net, p1)[3]).toBeCloseTo(-0.75 - 2, 14)
    expect(recall(net, p1).state[3]).toBe(-1)
  })
})

describe('validation', () => {
  test('bad inputs throw typed errors naming the argument', () => {
    expect(() => createNetwork(0)).toThrow(/createNetwork: size must be a positive integer, got 0/)
    expect(() => storeHebbian(createNetwork(4), [1, 0, 1, 1])).toThrow(
      /storeHebbian: patterns\[0\] must hold only \+1 and -1, got 0 at index 1/,
    )
    expect(() => storeHebbian(createNetwork(4), [1, 1, 1])).toThrow(/must have length 4, got length 3/)
    expect(() => storeHebbian(createNetwork(4), [])).toThrow(InvalidArgumentError)
    expect(() => energy(createNetwork(2), [1, Number.NaN])).toThrow(/energy: state must hold only/)
    expect(() => networkFromWeights([[0, 1], [1]])).toThrow(/weights\[1\] must have length 2, got length 1/)
    expect(() => createNetwork(2, { thresholds: [0, Number.POSITIVE_INFINITY] })).toThrow(
      /thresholds must hold only finite numbers/,
    )
    try {
      createNetwork(-1)
    } catch (e) {
      expect(GenError.isInstance(e)).toBe(true)
      expect((e as InvalidArgumentError).argument).toBe('size')
    }
  })
})
