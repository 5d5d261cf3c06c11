import { fromArray, normalFloats, key, ShapeError, InvalidArgumentError } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { psnr, ssim } from './image-metrics'
import { superResolutionPairs } from './super-resolution'

const batch = (values: ArrayLike<number>, shape: number[]) => ({ values, shape })

describe('psnr', () => {
  it('is 10 log10(L^2 / MSE) per image, averaged', () => {
    const zeros = new Float64Array(2 * 16)
    const b = new Float64Array(32)
    b.fill(0.1, 0, 16) // image 0: MSE 0.01 -> 20 dB
    b.fill(0.5, 16, 32) // image 1: MSE 0.25 -> 6.0206 dB
    const score = psnr(batch(zeros, [2, 4, 4]), batch(b, [2, 1, 4, 4]))
    expect(score.perImage[0]).toBeCloseTo(20, 10)
    expect(score.perImage[1]).toBeCloseTo(-20 * Math.log10(0.5), 10)
    expect(score.mean).toBeCloseTo((20 - 20 * Math.log10(0.5)) / 2, 10)
    // with L = 255 and errors of 1 grey level: 20 log10(255)
    const grey = psnr(
      batch(new Float64Array(16), [1, 4, 4]),
      batch(new Float64Array(16).fill(1), [1, 4, 4]),
      { dataRange: 255 },
    )
    expect(grey.mean).toBeCloseTo(20 * Math.log10(255), 10)
    expect(psnr(batch(b, [2, 4, 4]), batch(b, [2, 4, 4])).mean).toBe(Infinity)
  })

  it('takes tensors and rejects batches that differ', () => {
    const a = fromArray(new Float32Array(16), { shape: [1, 1, 4, 4] })
    const b = fromArray(new Float32Array(16).fill(0.1), { shape: [1, 4, 4] })
    expect(psnr(a, b).mean).toBeCloseTo(20, 4)
    expect(() => psnr(a, fromArray(new Float32Array(9), { shape: [1, 3, 3] }))).toThrow(ShapeError)
    expect(() => psnr(fromArray(new Float32Array(32), { shape: [1, 2, 4, 4] }), a)).toThrow(ShapeError)
  })
})

describe('pixel range', () => {
  // loadMnist returns a Uint8Array of 0–255; scored as [0, 1] pixels it gave PSNR −28 dB
  const digits = Uint8Array.from({ length: 2 * 16 }, (_, i) => (i * 37) % 256)
  const scaled = Float64Array.from(digits, (v) => v / 255)

  it('psnr and ssim refuse 0–255 pixels and NaN, and say to divide by 255', () => {
    const call = () => psnr(batch(digits, [2, 4, 4]), batch(scaled, [2, 4, 4]))
    expect(call).toThrow(InvalidArgumentError)
    expect(call).toThrow(
      'psnr: a must hold finite pixel values in [-0.5, 1.5], got 37 at index 1 — divide 0–255 images (such as loadMnist’s Uint8Array) by 255',
    )
    expect(() => psnr(batch(scaled, [2, 4, 4]), batch(digits, [2, 4, 4]))).toThrow(/^psnr: b must hold/)
    const nan = Float64Array.from(scaled)
    nan[5] = Number.NaN
    expect(() => psnr(batch(scaled, [2, 4, 4]), batch(nan, [2, 4, 4]))).toThrow(
      'psnr: b must hold finite pixel values in [0, 1], got NaN at index 5',
    )
    const shifted = (by: number, scale = 1) =>
      batch(
        scaled.map((v) => scale * v + by),
        [2, 4, 4],
      )
    expect(() => psnr(batch(scaled, [2, 4, 4]), shifted(-0.01))).toThrow(
      /^psnr: b must hold finite pixel values in \[0, 1\], got -0\.01 at index 0$/,
    )
    // the estimate a may overshoot [0, 1] as bicubic upsampling does (7%), not by half the range
    expect(Number.isFinite(psnr(shifted(-0.07, 1.14), batch(scaled, [2, 4, 4])).mean)).toBe(true)
    expect(() => psnr(shifted(-0.6), batch(scaled, [2, 4, 4]))).toThrow(
      /^psnr: a must hold finite pixel values in \[-0\.5, 1\.5\], got -0\.6 at index 0$/,
    )
    expect(() => ssim(batch(digits, [2, 4, 4]), batch(scaled, [2, 4, 4]), { windowSize: 3 })).toThrow(
      /^ssim: a must hold finite pixel values in \[-0\.5, 1\.5\], got 37 .*divide 0–255 images/,
    )
  })

  it('accepts 0–255 pixels with dataRange 255, and rounding slack of 1e-6 at the ends', () => {
    const score = psnr(batch(digits, [2, 4, 4]), batch(digits, [2, 4, 4]), { dataRange: 255 })
    expect(score.mean).toBe(Infinity)
    const edges = batch(
      Float64Array.from(scaled, (v, i) => (i % 2 === 0 ? 1 + 5e-7 : -5e-7)),
      [2, 4, 4],
    )
    expect(Number.isFinite(psnr(edges, batch(scaled, [2, 4, 4])).mean)).toBe(true)
  })

  it('superResolutionPairs refuses 0–255 images and NaN', () => {
    const call = () => superResolutionPairs(fromArray(Float32Array.from(digits), { shape: [2, 1, 4, 4] }))
    expect(call).toThrow(InvalidArgumentError)
    expect(call).toThrow(
      /^superResolutionPairs: highRes must hold finite pixel values in \[0, 1\], got 37 .*by 255$/,
    )
    const nan = Float32Array.from(scaled)
    nan[0] = Number.NaN
    expect(() => superResolutionPairs(fromArray(nan, { shape: [2, 1, 4, 4] }))).toThrow(/got NaN at index 0/)
  })
})

describe('ssim', () => {
  const noise = (seed: number, n: number) =>
    Float64Array.from(normalFloats(key(seed), n, 'float64'), (v) => 0.5 + 0.1 * v)

  it('is 1 for identical images and symmetric', () => {
    const a = noise(0, 3 * 28 * 28)
    expect(ssim(batch(a, [3, 28, 28]), batch(a, [3, 28, 28])).mean).toBeCloseTo(1, 12)
    const b = noise(1, 3 * 28 * 28)
    expect(ssim(batch(a, [3, 28, 28]), batch(b, [3, 28, 28])).mean).toBeCloseTo(
      ssim(batch(b, [3, 28, 28]), batch(a, [3, 28, 28])).mean,
      12,
    )
  })

  it('on constant images is the luminance term (2ab + C1)/(a^2 + b^2 + C1)', () => {
    const a = new Float64Array(144).fill(0.2)
    const b = new Float64Array(144).fill(0.7)
    const c1 = 0.01 ** 2
    expect(ssim(batch(a, [1, 12, 12]), batch(b, [1, 12, 12])).mean).toBeCloseTo(
      (2 * 0.2 * 0.7 + c1) / (0.04 + 0.49 + c1),
      12,
    )
  })

  it('with one uniform window over the whole image is the global formula of Wang et al. (eq. 13)', () => {
    const a = noise(2, 49)
    const b = Float64Array.from(a, (v, i) => 0.8 * v + 0.05 * Math.sin(i))
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length
    const ma = mean(a)
    const mb = mean(b)
    const va = mean(Float64Array.from(a, (v) => (v - ma) ** 2))
    const vb = mean(Float64Array.from(b, (v) => (v - mb) ** 2))
    const cov = mean(Float64Array.from(a, (v, i) => (v - ma) * (b[i] - mb)))
    const [c1, c2] = [0.01 ** 2, 0.03 ** 2]
    const expected = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
    expect(
      ssim(batch(a, [1, 7, 7]), batch(b, [1, 7, 7]), { windowSize: 7, gaussianSigma: 0 }).mean,
    ).toBeCloseTo(expected, 12)
  })

  it('falls as noise grows, and rejects a window larger than the image', () => {
    const clean = noise(3, 784)
    const extra = normalFloats(key(4), 784, 'float64')
    const scores = [0.01, 0.05, 0.2].map(
      (s) =>
        ssim(
          batch(
            // clipped to [0, 1], the pixel range ssim accepts
            Float64Array.from(clean, (v, i) => Math.min(1, Math.max(0, v + s * extra[i]))),
            [1, 28, 28],
          ),
          batch(clean, [1, 28, 28]),
        ).mean,
    )
    expect(scores[0]).toBeGreaterThan(scores[1])
    expect(scores[1]).toBeGreaterThan(scores[2])
    expect(() => ssim(batch(clean, [1, 28, 28]), batch(clean, [1, 28, 28]), { windowSize: 29 })).toThrow(
      InvalidArgumentError,
    )
  })
})
