import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from '../errors.js'
import { contentId, escapeXml, formatTick, makeScale, niceTicks } from './axes.js'

describe('niceTicks', () => {
  test.each([
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1], 0.2],
    [-0.05, 1.05, [0, 0.2, 0.4, 0.6, 0.8, 1], 0.2],
    [0, 37, [0, 10, 20, 30], 10],
    [0, 10, [0, 2, 4, 6, 8, 10], 2],
    [1.2, 3.7, [1.5, 2, 2.5, 3, 3.5], 0.5],
    [-2.5, 2.5, [-2, -1, 0, 1, 2], 1],
    [990, 1010, [990, 995, 1000, 1005, 1010], 5],
    [0.0001, 0.00052, [0.0001, 0.0002, 0.0003, 0.0004, 0.0005], 0.0001],
  ])('niceTicks(%f, %f) gives %j with step %f', (low, high, ticks, step) => {
    expect(niceTicks(low, high)).toEqual({ ticks, step })
  })

  test('target changes the density: 0..100 with 3 ticks steps by 50', () => {
    expect(niceTicks(0, 100, 3)).toEqual({ ticks: [0, 50, 100], step: 50 })
  })

  test('no floating-point dust: 0.1 steps print as 0.3, not 0.30000000000000004', () => {
    expect(niceTicks(0, 0.5).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5])
  })

  test('an empty, reversed or infinite range throws', () => {
    expect(() => niceTicks(1, 1)).toThrow('niceTicks: range must be finite with low < high, got [1, 1]')
    expect(() => niceTicks(2, 1)).toThrow(InvalidArgumentError)
    expect(() => niceTicks(0, Infinity)).toThrow(InvalidArgumentError)
    expect(() => niceTicks(0, 1, 1)).toThrow('niceTicks: target must be an integer in [2, 1000], got 1')
  })
})

describe('formatTick', () => {
  test('as many decimals as the step needs', () => {
    expect(formatTick(0.4, 0.2)).toBe('0.4')
    expect(formatTick(1, 0.2)).toBe('1.0')
    expect(formatTick(0, 0.2)).toBe('0.0')
    expect(formatTick(-0, 1)).toBe('0')
    expect(formatTick(30, 10)).toBe('30')
    expect(formatTick(0.0025, 0.0005)).toBe('0.0025')
  })

  test('exponent form for very large and very small values', () => {
    expect(formatTick(200000, 100000)).toBe('2e5')
    expect(formatTick(150000, 50000)).toBe('1.5e5')
    expect(formatTick(0.00003, 0.00001)).toBe('3e-5')
  })
})

describe('makeScale', () => {
  test('linear: the data range is padded by 5% and mapped onto the pixels', () => {
    const s = makeScale({
      op: 't',
      argument: 'xRange',
      domain: undefined,
      data: [0, 10],
      pixels: [100, 200],
      kind: 'linear',
    })
    expect(s.domain).toEqual([-0.5, 10.5])
    expect(s.map(-0.5)).toBe(100)
    expect(s.map(5)).toBe(150)
    expect(s.ticks.map((t) => t.label)).toEqual(['0', '2', '4', '6', '8', '10'])
  })

  test('log: the range is widened to whole decades with one tick per decade', () => {
    const s = makeScale({
      op: 't',
      argument: 'yRange',
      domain: undefined,
      data: [3, 450],
      pixels: [300, 0],
      kind: 'log',
    })
    expect(s.domain).toEqual([1, 1000])
    expect(s.ticks.map((t) => t.label)).toEqual(['1', '10', '100', '1000'])
    expect(s.map(10)).toBeCloseTo(200, 9)
  })

  test('a fixed range is checked', () => {
    expect(() =>
      makeScale({
        op: 'linePlot',
        argument: 'xRange',
        domain: [1, 0],
        data: [0, 1],
        pixels: [0, 1],
        kind: 'linear',
      }),
    ).toThrow('linePlot: xRange must be [min, max] with min < max, got [1, 0]')
    expect(() =>
      makeScale({
        op: 'linePlot',
        argument: 'yRange',
        domain: [0, 1],
        data: [0, 1],
        pixels: [0, 1],
        kind: 'log',
      }),
    ).toThrow('linePlot: yRange must be [min, max] with min < max and min > 0, got [0, 1]')
  })
})

describe('helpers', () => {
  test('escapeXml escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;')
  })

  test('contentId is deterministic and differs between bodies', () => {
    expect(contentId('abc')).toBe(contentId('abc'))
    expect(contentId('abc')).not.toBe(contentId('abd'))
    expect(contentId('abc')).toMatch(/^gen-[0-9a-z]+$/)
  })
})

describe('niceTicks at the edges of double precision', () => {
  test('a range too narrow for distinct ticks, too wide for a finite step, or a huge target throws', () => {
    expect(() => niceTicks(1, 1 + 1e-15)).toThrow(/niceTicks: range must be wider than 1e-12/)
    expect(() => niceTicks(-1e308, 1e308)).toThrow(/narrower than the largest double/)
    expect(() => niceTicks(0, 1, 1e9)).toThrow(
      'niceTicks: target must be an integer in [2, 1000], got 1000000000',
    )
  })
  test('small but representable ranges still tick', () => {
    expect(niceTicks(1, 1 + 1e-9).ticks.length).toBeGreaterThanOrEqual(2)
  })
})
