// Two WebAssembly kernels for the RBM's inner loop on the cpu backend (emitted by wasm-emit.ts):
//
// gatherRows: out[r, :] = Σ_{k ∈ [starts[r], starts[r+1])} src[list[k], :]   (float32, SIMD)
//   A product with a binary left operand, x W with x ∈ {0,1}^[rows, V], is this sum of W's rows
//   at the ones of x: MNIST images are ~13 % on, so it does ~1/8 of the dense product's work.
//   The same kernel gives xᵀ Y for binary x (for each i, the sum of Y's rows r with x_ri = 1)
//   and h Wᵀ for binary h (rows of Wᵀ). Sums run in float32 in increasing list order, so they
//   differ from the dense float32 matmul's only by rounding order.
//   Legend: src rows of `width` floats padded to a multiple of 4 (the row stride in bytes is an
//   argument), out [rows, width4 · 4], list int32 row indices, starts int32 [rows + 1].
//
// philox: Philox4x32-10 blocks (Salmon et al. 2011), bit for bit core-tensor's randomBits:
//   block b = Philox(counter [b, 0, 0, 0], key [k0, k1]) for b in [first, first + count)
//   (the STREAM tag of randomBits is 0, and b < 2^32 here), 32x32 → 64-bit products as i64.mul.
//   The float64 uniforms of the Gibbs draws take two words each, so this is most of a draw's cost
//   in JavaScript (~200 ns a block there).
//
// The module is compiled once, on first use, and kept with its memory for the life of the
// process (a cache of compiled code, like core-tensor's matmul module); every caller lays out its
// operands again before each call, so the cache holds no model state.
import type { Key } from '@gen/core-tensor'

import { FunctionBody, I32, I64, V128, assembleModule } from './wasm-emit'

const M0 = 0xd2511f53n
const M1 = 0xcd9e8d57n
const W0 = 0x9e3779b9
const W1 = 0xbb67ae85

function gatherBody(): FunctionBody {
  // params: out, src, srcRowBytes, list, starts, rows, width4
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32], [])
  const [out, src, srcRow, list, starts, rows, width4] = [0, 1, 2, 3, 4, 5, 6]
  const r = f.local(I32)
  const k = f.local(I32)
  const kBegin = f.local(I32)
  const kEnd = f.local(I32)
  const c = f.local(I32)
  const base = f.local(I32)
  const outRow = f.local(I32)
  const acc = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)]
  // for k in [kBegin, kEnd): acc[q] += src[list[k], c .. c + 4·lanes)
  const inner = (lanes: number): void => {
    f.get(kBegin).set(k)
    f.block().loop()
    f.get(k).get(kEnd).i32GeU().brIf(1)
    f.get(list).get(k).i32Const(2).i32Shl().i32Add().i32Load()
    f.get(srcRow).i32Mul().get(src).i32Add().get(c).i32Const(4).i32Shl().i32Add().set(base)
    for (let q = 0; q < lanes; q++)
      f.get(acc[q])
        .get(base)
        .v128Load(16 * q)
        .f32x4Add()
        .set(acc[q])
    f.get(k).i32Const(1).i32Add().set(k).br(0)
    f.end().end()
  }
  const chunk = (lanes: number): void => {
    f.block().loop()
    // while c + lanes ≤ width4
    f.get(c).i32Const(lanes).i32Add().get(width4).i32GtU().brIf(1)
    for (let q = 0; q < lanes; q++) f.v128Zero().set(acc[q])
    inner(lanes)
    for (let q = 0; q < lanes; q++) {
      f.get(outRow)
        .get(c)
        .i32Const(4)
        .i32Shl()
        .i32Add()
        .get(acc[q])
        .v128Store(16 * q)
    }
    f.get(c).i32Const(lanes).i32Add().set(c).br(0)
    f.end().end()
  }
  f.i32Const(0).set(r)
  f.block().loop()
  f.get(r).get(rows).i32GeU().brIf(1)
  f.get(starts).get(r).i32Const(2).i32Shl().i32Add().tee(base).i32Load(0).set(kBegin)
  f.get(base).i32Load(4).set(kEnd)
  f.get(out).get(r).get(width4).i32Mul().i32Const(4).i32Shl().i32Add().set(outRow)
  f.i32Const(0).set(c)
  chunk(4)
  chunk(1)
  f.get(r).i32Const(1).i32Add().set(r).br(0)
  f.end().end()
  return f
}

function transposeBody(): FunctionBody {
  // params: dst, dstRowBytes, src, srcRowBytes, rows, cols (src [rows, cols] → dst [cols, rows])
  // in bands of 16 source rows: for each column j the band's 16 values land in one 64-byte run
  // of dst, and the band's 16 source rows stay in cache while j sweeps them.
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32], [])
  const [dst, dstRow, src, srcRow, rows, cols] = [0, 1, 2, 3, 4, 5]
  const i0 = f.local(I32)
  const i1 = f.local(I32)
  const i = f.local(I32)
  const j = f.local(I32)
  const from = f.local(I32)
  const to = f.local(I32)
  f.i32Const(0).set(i0)
  f.block().loop()
  f.get(i0).get(rows).i32GeU().brIf(1)
  // i1 = min(i0 + 16, rows)
  f.get(i0).i32Const(16).i32Add().tee(i1).get(rows).i32GtU()
  f.op(0x04, 0x40).get(rows).set(i1).end()
  f.i32Const(0).set(j)
  f.block().loop()
  f.get(j).get(cols).i32GeU().brIf(1)
  f.get(i0).set(i)
  f.get(src).get(i0).get(srcRow).i32Mul().i32Add().get(j).i32Const(2).i32Shl().i32Add().set(from)
  f.get(dst).get(j).get(dstRow).i32Mul().i32Add().get(i0).i32Const(2).i32Shl().i32Add().set(to)
  f.block().loop()
  f.get(i).get(i1).i32GeU().brIf(1)
  f.get(to).get(from).f32Load(0).f32Store(0)
  f.get(from).get(srcRow).i32Add().set(from)
  f.get(to).i32Const(4).i32Add().set(to)
  f.get(i).i32Const(1).i32Add().set(i).br(0)
  f.end().end()
  f.get(j).i32Const(1).i32Add().set(j).br(0)
  f.end().end()
  f.get(i0).i32Const(16).i32Add().set(i0).br(0)
  f.end().end()
  return f
}

function philoxBody(): FunctionBody {
  // params: out, first, count, k0, k1
  const f = new FunctionBody([I32, I32, I32, I32, I32], [])
  const [out, first, count, key0, key1] = [0, 1, 2, 3, 4]
  const b = f.local(I32)
  const end = f.local(I32)
  const addr = f.local(I32)
  const c = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)]
  const k0 = f.local(I32)
  const k1 = f.local(I32)
  const hi0 = f.local(I32)
  const lo0 = f.local(I32)
  const hi1 = f.local(I32)
  const lo1 = f.local(I32)
  const p = f.local(I64)
  f.get(first).set(b)
  f.get(first).get(count).i32Add().set(end)
  f.get(out).set(addr)
  f.block().loop()
  f.get(b).get(end).i32GeU().brIf(1)
  f.get(b).set(c[0])
  for (const q of [1, 2, 3]) f.i32Const(0).set(c[q])
  f.get(key0).set(k0)
  f.get(key1).set(k1)
  for (let round = 0; round < 10; round++) {
    f.i64Const(M0).get(c[0]).i64ExtendI32U().i64Mul().tee(p).i32WrapI64().set(lo0)
    f.get(p).i64Const(32n).i64ShrU().i32WrapI64().set(hi0)
    f.i64Const(M1).get(c[2]).i64ExtendI32U().i64Mul().tee(p).i32WrapI64().set(lo1)
    f.get(p).i64Const(32n).i64ShrU().i32WrapI64().set(hi1)
    f.get(hi1).get(c[1]).i32Xor().get(k0).i32Xor().set(c[0])
    f.get(lo1).set(c[1])
    f.get(hi0).get(c[3]).i32Xor().get(k1).i32Xor().set(c[2])
    f.get(lo0).set(c[3])
    f.get(k0).i32Const(W0).i32Add().set(k0)
    f.get(k1).i32Const(W1).i32Add().set(k1)
  }
  for (let q = 0; q < 4; q++)
    f.get(addr)
      .get(c[q])
      .i32Store(4 * q)
  f.get(addr).i32Const(16).i32Add().set(addr)
  f.get(b).i32Const(1).i32Add().set(b).br(0)
  f.end().end()
  return f
}

// the exports' positional arguments mirror the wasm signatures
/* eslint-disable max-params */
interface KernelExports {
  readonly gatherRows: (
    out: number,
    src: number,
    srcRowBytes: number,
    list: number,
    starts: number,
    rows: number,
    width4: number,
  ) => void
  readonly transpose: (
    dst: number,
    dstRowBytes: number,
    src: number,
    srcRowBytes: number,
    rows: number,
    cols: number,
  ) => void
  readonly philox: (out: number, first: number, count: number, k0: number, k1: number) => void
}
/* eslint-enable max-params */

/** The slice of the WebAssembly API used here (the package compiles without the DOM lib). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown }
  Memory: new (descriptor: { initial: number }) => WasmMemory
}

/**
 * The compiled kernels and their memory (grown on demand, never shrunk). The memory holds one
 * resident operand (a weight matrix and its transpose) at byte 0, `residentBytes` long, owned by
 * `owner` (whoever uploaded it checks this before use); scratch space starts after it.
 */
export interface SparseKernels {
  readonly exports: KernelExports
  readonly memory: WasmMemory
  owner: object | undefined
  residentBytes: number
}

let cache: SparseKernels | null | undefined

/** The kernels, or undefined where the engine lacks WebAssembly SIMD. */
export function sparseKernels(): SparseKernels | undefined {
  if (cache === undefined) {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
    try {
      if (api === undefined) throw new Error('no WebAssembly')
      const bytes = assembleModule(
        [
          { name: 'gatherRows', body: gatherBody() },
          { name: 'philox', body: philoxBody() },
          { name: 'transpose', body: transposeBody() },
        ],
        1,
      )
      const memory = new api.Memory({ initial: 1 })
      const instance = new api.Instance(new api.Module(bytes), { env: { memory } })
      cache = {
        exports: instance.exports as KernelExports,
        memory,
        owner: undefined,
        residentBytes: 0,
      }
    } catch {
      cache = null
    }
  }
  return cache ?? undefined
}

/** Grows the kernels' memory to at least `bytes` and returns its buffer. */
export function reserve(kernels: SparseKernels, bytes: number): ArrayBuffer {
  const have = kernels.memory.buffer.byteLength
  if (bytes > have) kernels.memory.grow(Math.ceil((bytes - have) / 65536))
  return kernels.memory.buffer
}

/** Rounds a byte count up to a multiple of 16 (v128 alignment). */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16
}

/**
 * Philox words of `randomBits(k, 4 · numBlocks)` (numBlocks < 2^32), as a view into the kernels'
 * scratch memory (valid until the next kernel call).
 */
export function philoxWords(kernels: SparseKernels, k: Key, numBlocks: number): Uint32Array {
  const offset = align16(kernels.residentBytes)
  const buffer = reserve(kernels, offset + 16 * numBlocks)
  kernels.exports.philox(offset, 0, numBlocks, k.k0 | 0, k.k1 | 0)
  return new Uint32Array(buffer, offset, 4 * numBlocks)
}
