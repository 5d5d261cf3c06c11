import {
  type BackendV1,
  cpu,
  fold,
  fromArray,
  InvalidArgumentError,
  key,
  normalFloats,
  reference,
  ShapeError,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'
import { checkGradients } from '@gen/core-tensor/testing'
import { describe, expect, test } from 'vitest'
import { flattenTree } from './checkpoint'
import { type AutoencoderConfig, validateAutoencoderConfig } from './config'
import { iwaeBound } from './iwae'
import { klToStdNormal, reparameterize } from './losses'
import { type AutoencoderParams, decode, encode, initAutoencoder, reconstructionLogLik } from './model'
import { aeTerms, elboTerms } from './vae-loss'

const dense = (over: Partial<AutoencoderConfig> = {}): AutoencoderConfig => ({
  kind: 'vae',
  inputShape: [1, 2, 3],
  latentDim: 2,
  architecture: { type: 'dense', hidden: [5] },
  likelihood: 'bernoulli',
  ...over,
})

const binary = (n: number, d: number, k: number, backend: BackendV1 = reference): Tensor =>
  fromArray(
    Array.from(uniformFloats(key(k), n * d), (u) => (u < 0.5 ? 1 : 0)),
    { shape: [n, d], backend },
  )

/** Gradient check of a scalar function of the whole parameter tree (flattened leaves). */
function checkParamGradients(
  params: AutoencoderParams,
  f: (p: AutoencoderParams) => Tensor,
  tolerance = 1e-6,
): number {
  const leaves = flattenTree(params)
  const rebuild = (xs: Tensor[]): AutoencoderParams => {
    const byPath = new Map(leaves.map(([path], i) => [path, xs[i]]))
    const walk = (t: unknown, prefix: string): unknown => {
      if (typeof t === 'object' && t !== null && 'dataSync' in t) return byPath.get(prefix.slice(0, -1))
      return Object.fromEntries(Object.entries(t as object).map(([k, v]) => [k, walk(v, `${prefix}${k}.`)]))
    }
    return walk(params, '') as AutoencoderParams
  }
  return checkGradients(
    (...xs) => f(rebuild(xs)),
    leaves.map(([, t]) => t),
    { tolerance },
  )
}

describe('validateAutoencoderConfig', () => {
  test('fills beta and decoderLogVar', () => {
    const c = validateAutoencoderConfig(dense())
    expect(c.beta).toBe(1)
    expect(c.decoderLogVar).toBe('learned')
  })

  test.each([
    [{ latentDim: 0 }, /latentDim must be an integer >= 1, got 0/],
    [{ kind: 'gan' }, /kind must be 'ae' or 'vae', got gan/],
    [{ likelihood: 'poisson' }, /likelihood must be/],
    [{ beta: -1 }, /beta must be a number >= 0, got -1/],
    [{ architecture: { type: 'conv', channels: [4, 4, 4], hidden: 8 } }, /divisible by 8/],
    [{ corruption: { type: 'masking', level: 0.3 } }, /corruption applies to kind 'ae' only/],
    [
      { kind: 'ae', corruption: { type: 'masking', level: 1.5 } },
      /corruption.level must be a number in \[0, 1\], got 1.5/,
    ],
    [{ kind: 'ae', corruption: { type: 'gaussian', level: { min: 0.5, max: 0.1 } } }, /min <= max/],
    [
      { kind: 'ae', sparsity: { type: 'kl', weight: 1, target: 0 } },
      /sparsity.target must be in \(0, 1\), got 0/,
    ],
  ])('rejects %j', (over, message) => {
    expect(() => validateAutoencoderConfig(dense(over as Partial<AutoencoderConfig>))).toThrow(
      InvalidArgumentError,
    )
    expect(() => validateAutoencoderConfig(dense(over as Partial<AutoencoderConfig>))).toThrow(message)
  })

  test('rejects a missing config with the options error', () => {
    expect(() => validateAutoencoderConfig(undefined as unknown as AutoencoderConfig)).toThrow(
      /options must be an options object, got undefined/,
    )
  })
})

describe('shapes', () => {
  test.each([
    ['dense VAE', dense({ inputShape: [1, 4, 4], architecture: { type: 'dense', hidden: [8, 6] } })],
    [
      'conv VAE',
      dense({ inputShape: [1, 4, 4], architecture: { type: 'conv', channels: [2, 3], hidden: 6 } }),
    ],
    [
      'conditional conv VAE',
      dense({ inputShape: [1, 4, 4], architecture: { type: 'conv', channels: [2], hidden: 6 }, classes: 3 }),
    ],
    ['dense AE', dense({ kind: 'ae', inputShape: [1, 4, 4] })],
  ])('%s: encode [N, Z], decode [N, D]', (_, config) => {
    const params = initAutoencoder(config, { key: key(0) })
    const x = binary(3, 16, 1, cpu)
    const labels = config.classes === undefined ? undefined : fromArray([0, 2, 1], { dtype: 'int32' })
    const { mu, logVar } = encode(config, params, x, { labels })
    expect(mu.shape).toEqual([3, 2])
    expect(logVar?.shape).toEqual(config.kind === 'vae' ? [3, 2] : undefined)
    expect(decode(config, params, mu, { labels }).shape).toEqual([3, 16])
    // [N, C, H, W] inputs read the same as flat ones
    expect(
      encode(config, params, fromArray(x.dataSync(), { shape: [3, 1, 4, 4] }), { labels }).mu.dataSync(),
    ).toEqual(mu.dataSync())
  })

  test('wrong inputs are ShapeErrors naming what must hold', () => {
    const config = dense()
    const params = initAutoencoder(config, { key: key(0) })
    expect(() => encode(config, params, binary(2, 5, 1))).toThrow(
      /x must be \[N, 6\] or \[N, 1, 2, 3\], got \[2, 5\]/,
    )
    expect(() => decode(config, params, binary(2, 3, 1))).toThrow(ShapeError)
    const cond = dense({ classes: 4 })
    expect(() => encode(cond, initAutoencoder(cond, { key: key(0) }), binary(2, 6, 1))).toThrow(
      /labels must be int32 \[2\]/,
    )
  })
})

describe('ELBO', () => {
  test('per-example terms do not depend on the batch size (case P5)', () => {
    const config = dense()
    const params = initAutoencoder(config, { key: key(0), backend: reference })
    const x = binary(6, 6, 2)
    const eps = fromArray(normalFloats(key(3), 12, 'float64'), { shape: [6, 2], backend: reference })
    const all = elboTerms(config, params, x, { eps })
    const e = all.elbo.dataSync()
    for (let i = 0; i < 6; i++) {
      const one = elboTerms(
        config,
        params,
        fromArray(x.dataSync().slice(i * 6, i * 6 + 6), { shape: [1, 6], backend: reference }),
        {
          eps: fromArray(eps.dataSync().slice(2 * i, 2 * i + 2), { shape: [1, 2], backend: reference }),
        },
      )
      expect(one.elbo.item()).toBeCloseTo(e[i], 12)
      expect(one.loss.item()).toBeCloseTo(-e[i], 12)
    }
    // the loss is the batch mean of −ELBO (β = 1), so it does not grow with the batch
    expect(all.loss.item()).toBeCloseTo(-Array.from(e).reduce((a, b) => a + b) / 6, 12)
    // rec is the one-sample log-likelihood and kl the closed form
    const { mu, logVar } = encode(config, params, x)
    expect(Array.from(all.kl.dataSync())).toEqual(Array.from(klToStdNormal(mu, logVar!).dataSync()))
    const out = decode(config, params, reparameterize(mu, logVar!, eps))
    expect(Array.from(all.rec.dataSync())).toEqual(
      Array.from(reconstructionLogLik(config, params, x, out).dataSync()),
    )
  })

  test('duplicating every pixel doubles the reconstruction term of a model (case P5)', () => {
    const config = dense({ inputShape: [1, 1, 3], architecture: { type: 'dense', hidden: [] } })
    const params = initAutoencoder(config, { key: key(0), backend: reference })
    const x = binary(4, 3, 5)
    const out = decode(
      config,
      params,
      fromArray(normalFloats(key(6), 8, 'float64'), { shape: [4, 2], backend: reference }),
    )
    const once = reconstructionLogLik(config, params, x, out).dataSync()
    const twiceConfig = dense({ inputShape: [1, 1, 6], architecture: { type: 'dense', hidden: [] } })
    const cat = (t: Tensor): Tensor => {
      const v = t.dataSync()
      const o: number[] = []
      for (let i = 0; i < 4; i++) o.push(...v.slice(3 * i, 3 * i + 3), ...v.slice(3 * i, 3 * i + 3))
      return fromArray(o, { shape: [4, 6], backend: reference })
    }
    const twice = reconstructionLogLik(twiceConfig, params, cat(x), cat(out)).dataSync()
    once.forEach((v, i) => expect(twice[i]).toBeCloseTo(2 * v, 12))
  })

  test.each([
    ['dense Bernoulli VAE', dense()],
    ['beta-VAE with a conditional dense net', dense({ beta: 4, classes: 3 })],
    ['Gaussian decoder, learned variance', dense({ likelihood: 'gaussian' })],
    ['continuous-Bernoulli decoder', dense({ likelihood: 'continuousBernoulli' })],
    ['conv VAE', dense({ inputShape: [1, 4, 4], architecture: { type: 'conv', channels: [2], hidden: 3 } })],
  ])(
    '%s: reparameterised gradients match central differences of the fixed-noise loss (reference backend)',
    (_, config) => {
      const params = initAutoencoder(config, { key: key(1), backend: reference })
      const d = config.inputShape.reduce((a, b) => a * b)
      const x =
        config.likelihood === 'bernoulli'
          ? binary(3, d, 4)
          : fromArray(uniformFloats(key(4), 3 * d, 'float64'), { shape: [3, d], backend: reference })
      const eps = fromArray(normalFloats(key(5), 6, 'float64'), { shape: [3, 2], backend: reference })
      const labels =
        config.classes === undefined
          ? undefined
          : fromArray([2, 0, 1], { dtype: 'int32', backend: reference })
      const worst = checkParamGradients(params, (p) => elboTerms(config, p, x, { eps, labels }).loss, 1e-5)
      expect(worst).toBeLessThan(1e-5)
    },
  )

  test('the loss weighs the KL by beta', () => {
    const params = initAutoencoder(dense(), { key: key(1), backend: reference })
    const x = binary(3, 6, 4)
    const eps = fromArray(normalFloats(key(5), 6, 'float64'), { shape: [3, 2], backend: reference })
    const t1 = elboTerms(dense(), params, x, { eps })
    const t4 = elboTerms(dense({ beta: 4 }), params, x, { eps })
    const meanKl = Array.from(t1.kl.dataSync()).reduce((a, b) => a + b) / 3
    expect(t4.loss.item() - t1.loss.item()).toBeCloseTo(3 * meanKl, 12)
  })
})

describe('autoencoders', () => {
  test.each([
    ['plain', dense({ kind: 'ae' })],
    ['L1-sparse', dense({ kind: 'ae', sparsity: { type: 'l1', weight: 0.3 } })],
    ['KL-sparse', dense({ kind: 'ae', sparsity: { type: 'kl', weight: 0.5, target: 0.05 } })],
    ['Gaussian, fixed variance', dense({ kind: 'ae', likelihood: 'gaussian', decoderLogVar: 0 })],
  ])('%s: gradients match central differences', (_, config) => {
    const params = initAutoencoder(config, { key: key(2), backend: reference })
    const x = binary(4, 6, 7)
    checkParamGradients(params, (p) => aeTerms(config, p, x).loss)
  })

  test('L1 penalty is weight·Σ|code| per example; KL sparsity is weight·Σ_j KL(ρ‖ρ̂_j) of the batch', () => {
    const x = binary(4, 6, 7)
    const l1 = dense({ kind: 'ae', sparsity: { type: 'l1', weight: 0.3 } })
    const p1 = initAutoencoder(l1, { key: key(2), backend: reference })
    const t = aeTerms(l1, p1, x)
    const code = t.code.dataSync()
    const pen = t.penalty.dataSync()
    for (let i = 0; i < 4; i++)
      expect(pen[i]).toBeCloseTo(0.3 * (Math.abs(code[2 * i]) + Math.abs(code[2 * i + 1])), 12)
    const kl = dense({ kind: 'ae', sparsity: { type: 'kl', weight: 0.5, target: 0.05 } })
    const tk = aeTerms(kl, initAutoencoder(kl, { key: key(2), backend: reference }), x)
    const h = tk.code.dataSync()
    let expected = 0
    for (let j = 0; j < 2; j++) {
      const r = (h[j] + h[2 + j] + h[4 + j] + h[6 + j]) / 4
      expected += 0.05 * Math.log(0.05 / r) + 0.95 * Math.log(0.95 / (1 - r))
    }
    expect(tk.penalty.dataSync()[0]).toBeCloseTo(0.5 * expected, 12)
  })
})

describe('iwaeBound (Burda et al. 2016)', () => {
  const config = dense({ inputShape: [1, 2, 4] })
  const params = initAutoencoder(config, { key: key(3), backend: reference })
  const x = binary(5, 8, 8)

  test('k = 1 equals the one-sample ELBO log p(x|z) + log p(z) − log q(z|x) with the same noise', () => {
    const k = key(9)
    const bound = iwaeBound(config, params, x, { samples: 1, key: k })
    const eps = fromArray(normalFloats(fold(fold(k, 0), 0), 10), { shape: [5, 2], backend: reference })
    const t = elboTerms(config, params, x, { eps })
    const { mu, logVar } = encode(config, params, x)
    const z = reparameterize(mu, logVar!, eps).dataSync()
    const e = eps.dataSync()
    const lv = logVar!.dataSync()
    const rec = t.rec.dataSync()
    for (let i = 0; i < 5; i++) {
      let logRatio = 0 // log q − log p
      for (let j = 0; j < 2; j++)
        logRatio += -0.5 * (e[2 * i + j] ** 2 + lv[2 * i + j]) + 0.5 * z[2 * i + j] ** 2
      expect(bound[i]).toBeCloseTo(rec[i] - logRatio, 5) // float32 noise
    }
  })

  test('k = 1 averaged over 4000 draws equals the closed-form-KL ELBO within 4 standard errors', () => {
    const one = fromArray(x.dataSync().slice(0, 8), { shape: [1, 8], backend: reference })
    const many = fromArray(Array.from({ length: 4000 }, () => Array.from(one.dataSync())).flat(), {
      shape: [4000, 8],
      backend: reference,
    })
    const b = iwaeBound(config, params, many, { samples: 1, key: key(10), batchSize: 4000 })
    const mean = b.reduce((a, v) => a + v, 0) / b.length
    const se = Math.sqrt(b.reduce((a, v) => a + (v - mean) ** 2, 0) / (b.length - 1) / b.length)
    // the exact expectation of rec over q, by the same estimator's mean on many eps, against the closed-form-KL ELBO
    const t = elboTerms(config, params, many, {
      eps: fromArray(normalFloats(key(11), 8000, 'float64'), { shape: [4000, 2], backend: reference }),
    })
    const elbo = Array.from(t.elbo.dataSync())
    const em = elbo.reduce((a, v) => a + v, 0) / elbo.length
    const ese = Math.sqrt(elbo.reduce((a, v) => a + (v - em) ** 2, 0) / (elbo.length - 1) / elbo.length)
    expect(Math.abs(mean - em)).toBeLessThan(4 * Math.hypot(se, ese))
  })

  test('is non-decreasing in k on average and does not depend on the chunking', () => {
    // 5 examples, each repeated 200 times: independent noise per row, so the mean over rows
    // averages the estimator; the gap L_{4k} − L_k is far above its standard error here
    const rows = Array.from({ length: 200 }, () => Array.from(x.dataSync())).flat()
    const many = fromArray(rows, { shape: [1000, 8], backend: reference })
    const stats = [1, 4, 16, 64].map((k) => {
      const b = iwaeBound(config, params, many, { samples: k, key: key(100), batchSize: 1000 })
      const mean = b.reduce((a, v) => a + v, 0) / b.length
      return { mean, se: Math.sqrt(b.reduce((a, v) => a + (v - mean) ** 2, 0) / (b.length - 1) / b.length) }
    })
    for (let i = 1; i < stats.length; i++)
      expect(stats[i].mean).toBeGreaterThan(stats[i - 1].mean - 2 * stats[i - 1].se)
    // and the whole climb from k = 1 to 64 is many standard errors
    expect(stats[3].mean - stats[0].mean).toBeGreaterThan(4 * stats[0].se)
    const whole = iwaeBound(config, params, x, { samples: 37, key: key(5) })
    const chunked = iwaeBound(config, params, x, { samples: 37, key: key(5), maxRows: 7 })
    whole.forEach((v, i) => expect(chunked[i]).toBeCloseTo(v, 10))
  })

  test('k = 2000 runs in bounded chunks and stays finite', () => {
    const b = iwaeBound(config, params, x, { samples: 2000, key: key(6), maxRows: 1000 })
    expect(b.every(Number.isFinite)).toBe(true)
  })

  test('bad options are typed errors', () => {
    expect(() => iwaeBound(config, params, x, { samples: 0, key: key(0) })).toThrow(
      /options.samples must be an integer >= 1, got 0/,
    )
    const ae = dense({ kind: 'ae' })
    expect(() => iwaeBound(ae, initAutoencoder(ae, { key: key(0) }), x, { samples: 2, key: key(0) })).toThrow(
      /config.kind must be 'vae'/,
    )
  })
})
