import { describe, expect, it, test } from 'vitest'
import {
  DisposedTensorError,
  InvalidArgumentError,
  ShapeError,
  arange,
  eye,
  fromArray,
  full,
  linspace,
  ones,
  reference,
  reshape,
  slice,
  transpose,
  zeros,
} from './index'

describe('Tensor', () => {
  it('creates from nested arrays and reads back', async () => {
    const x = fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(x.shape).toEqual([2, 3])
    expect(x.strides).toEqual([3, 1])
    expect(x.dtype).toBe('float32')
    expect(Array.from(await x.data())).toEqual([1, 2, 3, 4, 5, 6])
    expect(x.dataSync()).toBeInstanceOf(Float32Array)
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
  })

  it('infers bool and int32 dtypes', () => {
    expect(fromArray([true, false]).dtype).toBe('bool')
    expect(fromArray(new Int32Array([1, 2])).dtype).toBe('int32')
    expect(fromArray([true, false]).toArray()).toEqual([true, false])
  })

  it('rejects ragged arrays and size mismatches with ShapeError', () => {
    expect(() => fromArray([[1, 2], [3]])).toThrow(ShapeError)
    expect(() => fromArray([1, 2, 3], { shape: [2, 2] })).toThrow(
      'fromArray: shape must hold as many elements as values, got [2,2] for 3 values',
    )
  })

  it('creation functions', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0])
    expect(ones([2], { dtype: 'int32' }).dataSync()).toEqual(new Int32Array([1, 1]))
    expect(full([2], 7).toArray()).toEqual([7, 7])
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4])
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75])
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1])
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ])
  })

  it('reference stores float64, cpu float32', () => {
    expect(fromArray([0.1], { backend: reference }).dataSync()).toEqual(new Float64Array([0.1]))
    expect(fromArray([0.1]).dataSync()[0]).toBe(Math.fround(0.1))
  })

  it('prints like NumPy', () => {
    expect(reshape(arange(6), [2, 3]).toString()).toBe('[[0. 1. 2.]\n [3. 4. 5.]]')
    expect(fromArray([0.1, 0.25], { backend: reference }).toString()).toBe('[0.1  0.25]')
    expect(fromArray([-1.5, 2], { backend: reference }).toString()).toBe('[-1.5  2. ]')
    expect(fromArray([1, 2], { dtype: 'int32' }).toString()).toBe('[1 2]')
    expect(fromArray([true, false]).toString()).toBe('[ True False]')
    expect(reshape(arange(8, undefined, 1, { dtype: 'int32' }), [2, 2, 2]).toString()).toBe(
      '[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]',
    )
    expect(full([], 3).toString()).toBe('3.')
  })

  it('throws DisposedTensorError after dispose', () => {
    const x = ones([2])
    x.dispose()
    expect(() => x.dataSync()).toThrow(DisposedTensorError)
    expect(() => transpose(x)).toThrow(DisposedTensorError)
  })
})

describe('case H3: reshape of non-contiguous views', () => {
  for (const backend of [reference]) {
    it(`reads transposed and strided views in logical order (${backend.name})`, () => {
      const x = reshape(arange(6, undefined, 1, { backend }), [2, 3])
      const y = transpose(x)
      expect(y.toArray()).toEqual([
        [0, 3],
        [1, 4],
        [2, 5],
      ])
      expect(reshape(y, [6]).toArray()).toEqual([0, 3, 1, 4, 2, 5])
      expect(reshape(y, [2, 3]).toArray()).toEqual([
        [0, 3, 1],
        [4, 2, 5],
      ])
      expect(x.toArray()).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ])
      expect(reshape(reshape(y, [6]), [3, 2]).toArray()).toEqual(y.toArray())
      const s = slice(arange(10, undefined, 1, { backend }), [{ start: 2, step: 3 }])
      expect(s.toArray()).toEqual([2, 5, 8])
      expect(reshape(s, [1, 3]).toArray()).toEqual([[2, 5, 8]])
    })
  }
})

describe('values that cannot be represented are refused, not guessed', () => {
  test('item() needs exactly one element', () => {
    expect(fromArray([[5]]).item()).toBe(5)
    expect(() => fromArray([5, 7]).item()).toThrow(
      'item: the tensor must hold exactly one element, got shape [2]',
    )
    expect(() => zeros([0]).item()).toThrow(ShapeError)
  })
  test('int32 tensors refuse NaN and infinities', () => {
    expect(Array.from(fromArray([1.7, -2], { dtype: 'int32' }).dataSync())).toEqual([1, -2])
    expect(() => fromArray([1.7, Number.NaN], { dtype: 'int32' })).toThrow(
      'fromArray: values must be finite for dtype int32, got NaN at index 1',
    )
    expect(() => fromArray([Infinity], { dtype: 'int32' })).toThrow(InvalidArgumentError)
  })
})
