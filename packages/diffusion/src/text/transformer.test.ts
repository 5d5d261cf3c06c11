import {
  fromArray,
  InvalidArgumentError,
  key,
  mul,
  normalFloats,
  reference,
  ShapeError,
  slice,
  sum,
  type Tensor,
  type TensorTree,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { expectGradientsMatch } from '../nets/test-helpers'
import {
  initTransformer,
  type KeyValueCache,
  transformer,
  type TransformerConfig,
  transformerDecode,
  type TransformerParams,
  validateTransformerConfig,
} from './transformer'

const ids = (rows: number[][], backend = reference) =>
  fromArray(Int32Array.from(rows.flat()), { shape: [rows.length, rows[0].length], dtype: 'int32', backend })

const tiny: TransformerConfig = {
  vocabSize: 5,
  contextLength: 4,
  width: 8,
  depth: 2,
  numHeads: 2,
  mlpRatio: 2,
}

describe('transformer', () => {
  it('maps [B, T] ids to [B, T, V] logits and fills in its defaults', () => {
    const config: TransformerConfig = { vocabSize: 11, contextLength: 6, width: 16, depth: 2, numHeads: 4 }
    expect(validateTransformerConfig(config)).toMatchObject({
      mlpRatio: 4,
      activation: 'gelu',
      causal: false,
    })
    const params = initTransformer(config, { key: key(0) })
    expect(params.blocks).toHaveLength(2)
    expect(params.blocks[0].mlpIn.weight.shape).toEqual([64, 16])
    const logits = transformer(
      config,
      params,
      ids(
        [
          [1, 2, 3],
          [4, 5, 10],
        ],
        params.head.weight.backend,
      ),
    )
    expect(logits.shape).toEqual([2, 3, 11])
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true)
  })

  it('rejects bad configs and inputs with typed errors', () => {
    expect(() => validateTransformerConfig({ ...tiny, numHeads: 3 })).toThrow(InvalidArgumentError)
    expect(() => validateTransformerConfig({ ...tiny, width: 0 })).toThrow(/config.width/)
    const params = initTransformer(tiny, { key: key(0), backend: reference })
    expect(() => transformer(tiny, params, ids([[1, 2, 3, 4, 0]]))).toThrow(ShapeError)
    expect(() => transformer(tiny, params, ids([[1, 5]]))).toThrow(/ids in \[0, 5\), got 5/)
    expect(() => transformer(tiny, params, fromArray([[1, 2]], { backend: reference }))).toThrow(
      InvalidArgumentError,
    )
  })

  for (const causal of [false, true]) {
    it(
      `has gradients that match central differences (${causal ? 'causal' : 'bidirectional'}, reference backend, float64)`,
      { timeout: 120_000 },
      () => {
        const config = { ...tiny, causal }
        const params = initTransformer(config, { key: key(1), backend: reference })
        const x = ids([
          [0, 3, 1, 4],
          [2, 2, 0, 1],
        ])
        const w = fromArray(normalFloats(key(2), 2 * 4 * 5), { shape: [2, 4, 5], backend: reference })
        const f = (p: TensorTree) => sum(mul(transformer(config, p as unknown as TransformerParams, x), w))
        const worst = expectGradientsMatch(f, params as unknown as TensorTree, {
          entriesPerLeaf: 2,
          epsilon: 1e-6,
        })
        expect(worst).toBeLessThan(1e-6)
      },
    )
  }

  it('is causal when asked: a logit does not move when a later token changes, and moves otherwise', () => {
    const params = initTransformer(tiny, { key: key(3), backend: reference })
    const a = ids([[1, 2, 3, 4]])
    const b = ids([[1, 2, 0, 4]])
    const first = (x: Tensor, causal: boolean) =>
      Array.from(slice(transformer(tiny, params, x, { causal }), [null, { stop: 2 }]).dataSync())
    expect(first(a, true)).toEqual(first(b, true))
    expect(first(a, false)).not.toEqual(first(b, false))
  })

  it('decodes from a key-value cache exactly as the full causal pass, one token or a chunk at a time', () => {
    const config = { ...tiny, causal: true }
    const params = initTransformer(config, { key: key(4), backend: reference })
    const x = ids([
      [0, 3, 1, 4],
      [2, 2, 0, 1],
    ])
    let cache: KeyValueCache | undefined
    for (const [from, to] of [
      [0, 1],
      [1, 3],
      [3, 4],
    ]) {
      const step = transformerDecode(config, params, slice(x, [null, { start: from, stop: to }]), cache)
      cache = step.cache
      expect(cache.length).toBe(to)
      const expected = slice(transformer(config, params, x), [null, { start: from, stop: to }]).dataSync()
      Array.from(step.logits.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12))
    }
    expect(() => transformerDecode(config, params, ids([[1], [1]]), cache)).toThrow(ShapeError)
  })
})
