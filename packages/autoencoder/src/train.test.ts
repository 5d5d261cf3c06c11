import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  fold,
  fromArray,
  InvalidArgumentError,
  key,
  memoryStats,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'
import { encodeSafetensors } from '@gen/core-tensor/io'
import { describe, expect, test } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint, flattenTree } from './checkpoint'
import type { AutoencoderConfig } from './config'
import { binarizeValues, corrupt, noiseLevels } from './corruption'
import { initAutoencoder } from './model'
import { readCheckpoint, writeCheckpoint } from './node/index'
import { reconstruct } from './generate'
import { evaluateAutoencoder, trainAutoencoder } from './train'
import { anomalyScores, pixelBce, psnr } from './uses'

// 400 noisy copies of 4 prototype 4×4 images: learnable in a few hundred steps
function toyData(n: number, seed: number): { x: Tensor; labels: Tensor } {
  const u = uniformFloats(key(seed), n * 16, 'float64')
  const values = new Float32Array(n * 16)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const c = i % 4
    labels[i] = c
    for (let j = 0; j < 16; j++) {
      const on =
        (c === 0 && j < 8) || (c === 1 && j >= 8) || (c === 2 && j % 2 === 0) || (c === 3 && j % 4 < 2)
      values[i * 16 + j] = on ? 0.9 - 0.2 * u[i * 16 + j] : 0.1 * u[i * 16 + j]
    }
  }
  return {
    x: fromArray(values, { shape: [n, 16] }),
    labels: fromArray(labels, { shape: [n], dtype: 'int32' }),
  }
}

const config: AutoencoderConfig = {
  kind: 'vae',
  inputShape: [1, 4, 4],
  latentDim: 2,
  architecture: { type: 'dense', hidden: [12] },
  likelihood: 'bernoulli',
}

describe('trainAutoencoder', () => {
  test('a VAE on dynamically binarised toy images improves its train and test ELBO; KL annealing ramps β', async () => {
    const { x } = toyData(400, 1)
    const test = fromArray(binarizeValues(toyData(200, 2).x.dataSync(), key(3)), { shape: [200, 16] })
    const result = await trainAutoencoder({
      config,
      params: initAutoencoder(config, { key: key(0) }),
      data: x,
      testData: test,
      epochs: 6,
      batchSize: 20,
      learningRate: 5e-3,
      key: key(1),
      binarize: 'dynamic',
      klWarmupSteps: 40,
    })
    const h = result.history
    expect(h).toHaveLength(6)
    expect(h[0].beta).toBeCloseTo(20 / 40, 12) // after 20 of 40 warm-up steps
    expect(h[5].beta).toBe(1)
    expect(h[5].testElbo!).toBeGreaterThan(h[0].testElbo! + 1)
    expect(h[5].trainElbo).toBeGreaterThan(h[0].trainElbo)
    // per-example nats: ELBO = rec − KL, and within [−16 ln 2 − KL, 0] territory for 16 binary pixels
    expect(h[5].testElbo!).toBeCloseTo(h[5].testRec! - h[5].testKl!, 5)
    expect(h[5].testElbo!).toBeGreaterThan(-16 * Math.LN2)
  })

  test('a resumed run continues exactly as the uninterrupted one (checkpoint through safetensors bytes and a file)', async () => {
    const { x } = toyData(100, 4)
    const base = { config, data: x, epochs: 2, batchSize: 25, key: key(5), binarize: 'dynamic' as const }
    const straight = await trainAutoencoder({ ...base, params: initAutoencoder(config, { key: key(6) }) })
    const dir = await mkdtemp(join(tmpdir(), 'gen-ae-'))
    try {
      const path = join(dir, 'vae.safetensors')
      await trainAutoencoder({
        ...base,
        epochs: 1,
        params: initAutoencoder(config, { key: key(6) }),
        onCheckpoint: (c) => writeCheckpoint(path, c),
      })
      expect(await readdir(dir)).toEqual(['vae.safetensors']) // the temp file was renamed
      const resumed = await trainAutoencoder({ ...base, resume: await readCheckpoint(path) })
      const a = flattenTree(straight.params)
      const b = flattenTree(resumed.params)
      expect(b.map(([p]) => p)).toEqual(a.map(([p]) => p))
      a.forEach(([, t], i) => expect(Array.from(b[i][1].dataSync())).toEqual(Array.from(t.dataSync())))
      expect(resumed.checkpoint.step).toBe(8)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a denoising sparse AE trains on corrupted inputs, and a conditional VAE on labels', async () => {
    const { x, labels } = toyData(200, 7)
    const dae: AutoencoderConfig = {
      ...config,
      kind: 'ae',
      likelihood: 'continuousBernoulli',
      corruption: { type: 'masking', level: { min: 0.1, max: 0.4 } },
      sparsity: { type: 'l1', weight: 1e-3 },
    }
    const r = await trainAutoencoder({
      config: dae,
      params: initAutoencoder(dae, { key: key(0) }),
      data: x,
      testData: x,
      epochs: 4,
      batchSize: 20,
      learningRate: 5e-3,
      key: key(1),
    })
    expect(r.history[3].testRec!).toBeGreaterThan(r.history[0].testRec!)
    const cvae: AutoencoderConfig = { ...config, classes: 4 }
    const c = await trainAutoencoder({
      config: cvae,
      params: initAutoencoder(cvae, { key: key(0) }),
      data: x,
      labels,
      testData: x,
      testLabels: labels,
      epochs: 3,
      batchSize: 20,
      learningRate: 5e-3,
      key: key(1),
      binarize: 'dynamic',
    })
    expect(c.history[2].testElbo!).toBeGreaterThan(c.history[0].testElbo!)
  })

  test('leaks no tensors: epochs 2 and 4 end with the same live-tensor count (case H5)', async () => {
    const { x } = toyData(100, 4)
    const test = toyData(50, 5).x
    const counts: number[] = []
    const run = await trainAutoencoder({
      config,
      params: initAutoencoder(config, { key: key(6) }),
      data: x,
      testData: test,
      epochs: 4,
      batchSize: 25,
      key: key(5),
      binarize: 'dynamic',
      onProgress: () => {
        counts.push(memoryStats().tensors)
      },
    })
    expect(counts[3]).toBe(counts[1])
    expect(run.history).toHaveLength(4)
  })

  test('bad options are typed errors naming the argument', async () => {
    const { x } = toyData(20, 1)
    const params = initAutoencoder(config, { key: key(0) })
    await expect(trainAutoencoder({ config, params, data: x, epochs: 0, key: key(0) })).rejects.toThrow(
      /epochs must be an integer >= 1, got 0/,
    )
    await expect(
      trainAutoencoder({ config, params, data: x, epochs: 1, batchSize: 50, key: key(0) }),
    ).rejects.toThrow(/batchSize must be at most the 20/)
    await expect(
      trainAutoencoder({ config, params, data: fromArray([[1, 2]]), epochs: 1, key: key(0) }),
    ).rejects.toThrow(/data must be a \[N, 16\] tensor, got \[1, 2\]/)
    await expect(trainAutoencoder({ config, data: x, epochs: 1, key: key(0) })).rejects.toThrow(
      InvalidArgumentError,
    )
    await expect(
      trainAutoencoder({
        config: { ...config, classes: 2 },
        params,
        data: x,
        epochs: 1,
        batchSize: 10,
        key: key(0),
      }),
    ).rejects.toThrow(/labels must be given/)
    expect(() => evaluateAutoencoder(config, params, x, { key: key(0), batchSize: 0 })).toThrow(
      /batchSize must be an integer >= 1/,
    )
  })
})

describe('checkpoints', () => {
  test('round-trip every tensor and the optimizer; weights-only files have no optimizer', () => {
    const params = initAutoencoder({ ...config, likelihood: 'gaussian' }, { key: key(0) })
    const c = { config: { ...config, likelihood: 'gaussian' as const }, params, step: 3, epoch: 1 }
    const back = decodeCheckpoint(encodeCheckpoint(c, { metadata: { note: 'hi' } }))
    expect(back.metadata.note).toBe('hi')
    expect(back.optimizer).toBeUndefined()
    const a = flattenTree(params)
    expect(a.map(([p]) => p)).toContain('pixelLogVar')
    const b = flattenTree(back.params)
    a.forEach(([, t], i) => expect(Array.from(b[i][1].dataSync())).toEqual(Array.from(t.dataSync())))
    expect(() => encodeCheckpoint(c, { metadata: { step: '9' } })).toThrow(/reserved key 'step'/)
  })

  test('reject another file kind, a missing tensor and a wrong shape', () => {
    expect(() => decodeCheckpoint(encodeSafetensors({}, { kind: 'other' }))).toThrow(
      /must be a gen-autoencoder checkpoint/,
    )
    const bytes = encodeCheckpoint({
      config,
      params: initAutoencoder(config, { key: key(0) }),
      step: 0,
      epoch: 0,
    })
    const other = encodeCheckpoint({
      config: { ...config, latentDim: 3 },
      params: initAutoencoder(config, { key: key(0) }),
      step: 0,
      epoch: 0,
    })
    expect(() => decodeCheckpoint(other)).toThrow(/must hold 'mu.weight' as \[3, 12\], got \[2, 12\]/)
    expect(decodeCheckpoint(bytes).epoch).toBe(0)
  })
})

describe('corruption and binarisation', () => {
  const x = fromArray(new Float32Array(200 * 50).fill(0.5), { shape: [200, 50] })

  test('masking zeroes a fraction p of pixels (within 4 SE); salt-and-pepper sets them to 0 or 1 equally', () => {
    const m = corrupt({ type: 'masking', level: 0.3 }, x, key(1)).dataSync()
    const n = m.length
    const zeros = Array.from(m).filter((v) => v === 0).length / n
    expect(Math.abs(zeros - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n))
    const s = Array.from(corrupt({ type: 'saltPepper', level: 0.4 }, x, key(2)).dataSync())
    const salt = s.filter((v) => v === 1).length / n
    const pepper = s.filter((v) => v === 0).length / n
    expect(s.every((v) => v === 0 || v === 1 || v === 0.5)).toBe(true)
    expect(Math.abs(salt - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / n))
    expect(Math.abs(pepper - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / n))
  })

  test('Gaussian noise has standard deviation sigma; per-example levels are drawn in [min, max]', () => {
    const g = corrupt({ type: 'gaussian', level: 0.5 }, x, key(3)).dataSync()
    let v = 0
    for (const y of g) v += (y - 0.5) ** 2
    const sd = Math.sqrt(v / g.length)
    expect(Math.abs(sd - 0.5)).toBeLessThan((4 * 0.5) / Math.sqrt(2 * g.length))
    const levels = noiseLevels({ min: 0.1, max: 0.6 }, 1000, key(4))
    expect(Math.min(...levels)).toBeGreaterThanOrEqual(0.1)
    expect(Math.max(...levels)).toBeLessThan(0.6)
    // each example carries its own level: masking fractions differ between rows
    const rows = corrupt({ type: 'masking', level: { min: 0, max: 1 } }, x, key(5)).dataSync()
    const fractions = Array.from(
      { length: 200 },
      (_, i) => rows.subarray(i * 50, i * 50 + 50).filter((r) => r === 0).length / 50,
    )
    expect(Math.max(...fractions) - Math.min(...fractions)).toBeGreaterThan(0.7)
  })

  test('dynamic binarisation draws fresh bits per epoch key with P(1) = pixel value', () => {
    const p = new Float32Array(20000).fill(0.25)
    const a = binarizeValues(p, fold(key(6), 0))
    const b = binarizeValues(p, fold(key(6), 1))
    const ones = a.reduce((s, v) => s + v, 0) / a.length
    expect(Math.abs(ones - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / a.length))
    expect(a.some((v, i) => v !== b[i])).toBe(true)
    expect(Array.from(binarizeValues(p, fold(key(6), 0)))).toEqual(Array.from(a))
    expect(() => binarizeValues([0.5, 1.5], key(0))).toThrow(
      /x must hold values in \[0, 1\], got 1.5 at index 1/,
    )
  })
})

describe('uses', () => {
  test('psnr and pixelBce are exact on small inputs', () => {
    expect(psnr(fromArray([[0, 1]]), fromArray([[0.1, 0.9]]))).toBeCloseTo(20, 5)
    expect(psnr(fromArray([[0, 255]]), fromArray([[25.5, 229.5]]), 255)).toBeCloseTo(20, 5)
    expect(pixelBce(fromArray([[1, 0]]), fromArray([[0.5, 0.25]]))).toBeCloseTo(Math.LN2 - Math.log(0.75), 6)
    expect(() => psnr(fromArray([[0, 1]]), fromArray([[0, 1, 2]]))).toThrow(/b must have a's shape/)
  })

  test("anomaly scores: 'elbo' is −ELBO per example, 'reconstruction' the squared error of the mean reconstruction", () => {
    const params = initAutoencoder(config, { key: key(0) })
    const x = fromArray(binarizeValues(toyData(30, 1).x.dataSync(), key(2)), { shape: [30, 16] })
    const byElbo = anomalyScores(config, params, x, { method: 'elbo', key: key(3) })
    const e = evaluateAutoencoder(config, params, x, { key: key(3) }).perExample
    byElbo.forEach((v, i) => expect(v).toBe(-e[i]))
    const byRec = anomalyScores(config, params, x, { method: 'reconstruction' })
    const r = reconstruct(config, params, x).dataSync()
    const xv = x.dataSync()
    let first = 0
    for (let j = 0; j < 16; j++) first += (xv[j] - r[j]) ** 2
    expect(byRec[0]).toBeCloseTo(first, 6)
    const ae: AutoencoderConfig = { ...config, kind: 'ae' }
    expect(() =>
      anomalyScores(ae, initAutoencoder(ae, { key: key(0) }), x, { method: 'elbo', key: key(0) }),
    ).toThrow(/'elbo' needs a VAE/)
  })
})
