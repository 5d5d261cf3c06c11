import { expect, test } from 'vitest'
import { FunctionBuilder, ValType, assembleModule, sleb, uleb } from './emit'
import { wasmApi } from './api'

test('LEB128 matches the examples of the spec and of Wikipedia', () => {
  const u: number[] = []
  uleb(u, 624485)
  expect(u).toEqual([0xe5, 0x8e, 0x26])
  const s: number[] = []
  sleb(s, -123456)
  expect(s).toEqual([0xc0, 0xbb, 0x78])
  const edges: number[] = []
  uleb(edges, 0)
  uleb(edges, 127)
  uleb(edges, 128)
  sleb(edges, 63)
  sleb(edges, 64)
  sleb(edges, -64)
  sleb(edges, -65)
  expect(edges).toEqual([0x00, 0x7f, 0x80, 0x01, 0x3f, 0xc0, 0x00, 0x40, 0xbf, 0x7f])
})

test('an emitted module runs: integer arithmetic, a loop, and SIMD through memory', () => {
  // sum(n) = 0 + 1 + ... + (n - 1) with a loop
  const sum = new FunctionBuilder([ValType.i32], [ValType.i32])
  const i = sum.local(ValType.i32)
  const acc = sum.local(ValType.i32)
  sum.block().loop()
  sum.localGet(i).localGet(0).i32GeS().brIf(1)
  sum.localGet(acc).localGet(i).i32Add().localSet(acc)
  sum.localGet(i).i32Const(1).i32Add().localSet(i)
  sum.br(0)
  sum.end().end()
  sum.localGet(acc)
  // axpy4(x, y): y[0..4] = 2.5 * x[0..4] + y[0..4] at byte addresses x, y
  const axpy = new FunctionBuilder([ValType.i32, ValType.i32], [])
  axpy
    .localGet(1)
    .f32Const(2.5)
    .f32x4Splat()
    .localGet(0)
    .v128Load()
    .f32x4Mul()
    .localGet(1)
    .v128Load()
    .f32x4Add()
  axpy.v128Store()

  const api = wasmApi()
  if (api === undefined) throw new Error('no WebAssembly')
  const memory = new api.Memory({ initial: 1 })
  const bytes = assembleModule({ module: 'env', field: 'memory', initial: 1 }, [
    ['sum', sum],
    ['axpy', axpy],
  ])
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } })
  const exports = instance.exports as { sum: (n: number) => number; axpy: (x: number, y: number) => void }
  expect(exports.sum(10)).toBe(45)
  expect(exports.sum(-3)).toBe(0)
  const heap = new Float32Array(memory.buffer)
  heap.set([1, 2, 3, -4, 10, 20, 30, 40], 0)
  exports.axpy(0, 16)
  expect([...heap.subarray(4, 8)]).toEqual([12.5, 25, 37.5, 30])
})
