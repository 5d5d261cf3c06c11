import { describe, expect, it } from 'vitest'
import { conv2dDirectF32, simdSupported, type DirectConvGeometry } from './index'
import { key, fold } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { expectAllClose } from '../testing/tolerance'

/** The definition, summed in float64: y[n, o, p, q] = Σ w[o, c, i, j] · x[n, c, p + i·dH − top, q + j·dW − left]. */
function naive(x: Float32Array, w: Float32Array, g: DirectConvGeometry): Float64Array {
  const [top, bottom, left, right] = g.padding
  const [dh, dw] = g.dilation
  const oh = g.h + top + bottom - dh * (g.kh - 1)
  const ow = g.w + left + right - dw * (g.kw - 1)
  const y = new Float64Array(g.n * g.o * oh * ow)
  for (let b = 0; b < g.n; b++)
    for (let o = 0; o < g.o; o++)
      for (let p = 0; p < oh; p++)
        for (let q = 0; q < ow; q++) {
          let acc = 0
          for (let c = 0; c < g.c; c++)
            for (let i = 0; i < g.kh; i++)
              for (let j = 0; j < g.kw; j++) {
                const r = p + i * dh - top
                const s = q + j * dw - left
                if (r < 0 || r >= g.h || s < 0 || s >= g.w) continue
                acc += w[((o * g.c + c) * g.kh + i) * g.kw + j] * x[((b * g.c + c) * g.h + r) * g.w + s]
              }
          y[((b * g.o + o) * oh + p) * ow + q] = acc
        }
  return y
}

const cases: DirectConvGeometry[] = [
  // LeNet's first layers
  { n: 3, c: 1, h: 28, w: 28, o: 6, kh: 5, kw: 5, padding: [0, 0, 0, 0], dilation: [1, 1] },
  { n: 2, c: 1, h: 28, w: 28, o: 32, kh: 3, kw: 3, padding: [1, 1, 1, 1], dilation: [1, 1] },
  // odd widths (column tails), channel counts off the block of 4, uneven padding, dilation
  { n: 2, c: 3, h: 7, w: 11, o: 5, kh: 3, kw: 2, padding: [2, 0, 1, 3], dilation: [1, 1] },
  { n: 1, c: 4, h: 9, w: 13, o: 9, kh: 3, kw: 3, padding: [1, 1, 2, 2], dilation: [2, 3] },
  { n: 2, c: 2, h: 1, w: 1, o: 1, kh: 1, kw: 1, padding: [0, 0, 0, 0], dilation: [1, 1] },
  { n: 1, c: 1, h: 5, w: 17, o: 3, kh: 5, kw: 1, padding: [0, 0, 0, 0], dilation: [1, 1] },
  // rows narrower than a chunk (they spill instead of overlapping), several samples and blocks
  { n: 3, c: 2, h: 6, w: 5, o: 6, kh: 3, kw: 3, padding: [1, 1, 1, 1], dilation: [1, 1] },
  // LeNet's 32x14x14 -> 64 3x3 layer, fewer samples and channels out
  { n: 2, c: 32, h: 14, w: 14, o: 10, kh: 3, kw: 3, padding: [1, 1, 1, 1], dilation: [1, 1] },
]

describe.runIf(simdSupported())('conv2dDirectF32', () => {
  it('matches the definition summed in float64', () => {
    cases.forEach((g, k) => {
      const x = uniformFloats(fold(key(21), k), g.n * g.c * g.h * g.w).map((u) => 2 * u - 1)
      const w = uniformFloats(fold(key(22), k), g.o * g.c * g.kh * g.kw).map((u) => 2 * u - 1)
      const want = naive(x, w, g)
      const y = conv2dDirectF32(x, w, g)
      expect(y.length).toBe(want.length)
      // float32 products of magnitude <= 1 summed over c·kh·kw terms
      expectAllClose(y, want, { rtol: 0, atol: g.c * g.kh * g.kw * 2 ** -22 })
    })
  })

  it('gives zeros for a kernel with no taps', () => {
    const g: DirectConvGeometry = {
      n: 1,
      c: 0,
      h: 3,
      w: 3,
      o: 2,
      kh: 2,
      kw: 2,
      padding: [0, 0, 0, 0],
      dilation: [1, 1],
    }
    expect(Array.from(conv2dDirectF32(new Float32Array(0), new Float32Array(0), g))).toEqual(
      new Array(8).fill(0),
    )
  })
})
