import { fromArray, InvalidArgumentError, key, normalFloats, reference, type Tensor } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { elasticDistortion, elasticField, randomRotation, rotateImages } from './augment'

const ramp = (n: number, c: number, h: number, w: number): Tensor =>
  fromArray(
    Float32Array.from({ length: n * c * h * w }, (_, i) => i),
    { shape: [n, c, h, w], backend: reference },
  )

describe('rotateImages', () => {
  test('a quarter turn counter-clockwise moves the top-right pixel to the top-left (exact permutation)', () => {
    const square = ramp(1, 2, 5, 5)
    const v = square.dataSync()
    const y = rotateImages(square, [90]).dataSync()
    for (let ch = 0; ch < 2; ch++) {
      for (let i = 0; i < 5; i++) {
        // np.rot90: out[i][j] = in[j][W − 1 − i]
        for (let j = 0; j < 5; j++) expect(y[ch * 25 + i * 5 + j]).toBe(v[ch * 25 + j * 5 + (4 - i)])
      }
    }
    // 180° twice is the identity, 0° is the identity
    const back = rotateImages(rotateImages(square, [180]), [180]).dataSync()
    expect(Array.from(back)).toEqual(Array.from(v))
    expect(Array.from(rotateImages(square, [0]).dataSync())).toEqual(Array.from(v))
  })

  test('bilinear at 45°: the centre stays, a corner reads the fill, interior values interpolate', () => {
    const img = fromArray(
      Float32Array.from({ length: 25 }, (_, i) => Math.floor(i / 5)), // value = row index
      { shape: [1, 1, 5, 5], backend: reference },
    )
    const y = rotateImages(img, [45], { fill: -1 }).dataSync()
    expect(y[12]).toBeCloseTo(2, 6)
    // output (0, 0) reads (2 − 2√2, 2): row −0.83, between the fill above (weight 0.83) and row 0
    expect(y[0]).toBeCloseTo(2 - 2 * Math.SQRT2, 6) // float32 output
    // output (2, 3) reads row 2 + sin 45° = 2.707…: the row index, linear in rows
    expect(y[13]).toBeCloseTo(2 + Math.SQRT1_2, 6)
  })

  test('randomRotation: keyed, bounded by maxDegrees, 0 degrees is the identity', () => {
    const x = fromArray(normalFloats(key(1), 4 * 64), { shape: [4, 1, 8, 8], backend: reference })
    const a = randomRotation(x, { maxDegrees: 15, key: key(2) }).dataSync()
    const b = randomRotation(x, { maxDegrees: 15, key: key(2) }).dataSync()
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(randomRotation(x, { maxDegrees: 0, key: key(2) }).dataSync())).toEqual(
      Array.from(x.dataSync()),
    )
    expect(() => randomRotation(x, { maxDegrees: -1, key: key(2) })).toThrow(InvalidArgumentError)
    expect(() => rotateImages(x, [1, 2])).toThrow(/rotateImages: degrees must hold 4 finite angles, got 2/)
  })
})

describe('elastic distortion', () => {
  test('the displacement field has the predicted spread α·(1/√3)·Σg² in the interior', () => {
    const sigma = 2
    const alpha = 10
    const radius = Math.ceil(3 * sigma)
    const g = Array.from({ length: 2 * radius + 1 }, (_, t) =>
      Math.exp(-((t - radius) ** 2) / (2 * sigma * sigma)),
    )
    const total = g.reduce((a, b) => a + b, 0)
    const g2 = g.reduce((a, b) => a + (b / total) ** 2, 0)
    const expected = alpha * Math.sqrt(1 / 3) * g2
    // interior pixels (at least `radius` from every edge) of 40 fields of 32×32
    const values: number[] = []
    for (let s = 0; s < 40; s++) {
      const { dy, dx } = elasticField(key(100 + s), [32, 32], { alpha, sigma })
      for (let i = radius; i < 32 - radius; i++) {
        for (let j = radius; j < 32 - radius; j++) values.push(dy[i * 32 + j], dx[i * 32 + j])
      }
    }
    const rms = Math.sqrt(values.reduce((a, v) => a + v * v, 0) / values.length)
    // neighbouring values are correlated over ~σ, so the effective sample is about
    // values / (2πσ²·…); 40 fields × 2 axes × ~(20/σ)² independent patches ≈ 8000: a 2% band
    // on the rms is > 5 standard errors (relative SE of an rms ≈ 1/√(2·8000) = 0.8%)
    expect(rms / expected).toBeGreaterThan(0.96)
    expect(rms / expected).toBeLessThan(1.04)
  })

  test('α = 0 is the identity; a constant image with the same fill stays constant; keyed', () => {
    const x = fromArray(normalFloats(key(3), 2 * 100), { shape: [2, 1, 10, 10], backend: reference })
    const same = elasticDistortion(x, { alpha: 0, sigma: 3, key: key(4) }).dataSync()
    expect(Array.from(same)).toEqual(Array.from(x.dataSync()))
    const flat = fromArray(new Float32Array(100).fill(0.7), { shape: [1, 1, 10, 10], backend: reference })
    const warped = elasticDistortion(flat, { alpha: 8, sigma: 3, key: key(5), fill: 0.7 }).dataSync()
    for (const v of warped) expect(v).toBeCloseTo(0.7, 6)
    const a = elasticDistortion(x, { alpha: 8, sigma: 3, key: key(6) }).dataSync()
    const b = elasticDistortion(x, { alpha: 8, sigma: 3, key: key(6) }).dataSync()
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(a)).not.toEqual(Array.from(x.dataSync()))
    expect(() => elasticField(key(0), [4, 4], { alpha: 1, sigma: 0 })).toThrow(
      /elasticField: sigma must be a finite number > 0, got 0/,
    )
  })
})
