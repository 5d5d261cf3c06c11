/**
 * The WebAssembly SIMD direct convolution kernel for layers with few input channels (a
 * network's first layer: 1x28x28 MNIST digits), written as TypeScript that emits the module's
 * bytes (see `emit.ts`). There im2col + GEMM is memory-bound: the column matrix is `kH·kW`
 * times the input and the GEMM's M (output channels) is tiny, so the product spends its time
 * packing. The direct kernel reads each input value from L1 instead, once per tap.
 *
 * `direct(xp, taps, ntaps, wts, rowBytes, oh, nq, y, ldy, planeBytes, lastq)`, stride 1: for
 * each output row `p < oh` and each 8-column chunk `qb < nq`, starting at byte
 * `qoff = min(qb·32, lastq)` of the row (so a last chunk can overlap the one before it and end
 * exactly at the row's end), it keeps a `4 channels x 8 columns` tile of y in eight f32x4
 * accumulators and, for each tap `t < ntaps`,
 *
 * ```
 * x8  = f32[xp + p·rowBytes + qoff + taps[t] .. + 32]       (two v128 loads, any alignment)
 * acc[c] += wts[t·4 + c] · x8                                (c = 0..3, splat weights)
 * ```
 *
 * then stores channel c's 8 values at `y + c·planeBytes + p·ldy + qoff` (rows and chunks in
 * increasing order, so with a large `lastq` a caller may let a last chunk spill into the next
 * row instead). The input `xp` is
 * zero-padded by the caller so every read is in bounds; `taps[t]` is the byte offset of tap
 * (c, i, j) in it. Addresses and strides are bytes; needs `ntaps >= 1`.
 */
import { FunctionBuilder, ValType, assembleModule } from './emit'

const { i32, v128 } = ValType

/** Output channels per call (accumulator rows). */
export const DIRECT_CHANNELS = 4
/** Output columns per accumulator tile (two f32x4 vectors). */
export const DIRECT_COLUMNS = 8

function direct(): FunctionBuilder {
  const f = new FunctionBuilder([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], [])
  const [xp, taps, ntaps, wts, rowBytes, oh, nq, y, ldy, planeBytes, lastq] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ]
  const p = f.local(i32)
  const qb = f.local(i32)
  const base = f.local(i32)
  const tp = f.local(i32)
  const tend = f.local(i32)
  const wp = f.local(i32)
  const xa = f.local(i32)
  const yc = f.local(i32)
  const qoff = f.local(i32)
  const a0 = f.local(v128)
  const a1 = f.local(v128)
  const w = f.local(v128)
  const acc: number[] = []
  for (let k = 0; k < 2 * DIRECT_CHANNELS; k++) acc.push(f.local(v128))

  f.localGet(taps).localGet(ntaps).i32Const(2).i32Shl().i32Add().localSet(tend)
  f.i32Const(0).localSet(p)
  f.block().loop() // p loop
  f.localGet(p).localGet(oh).i32GeS().brIf(1)
  f.i32Const(0).localSet(qb)
  f.block().loop() // qb loop
  f.localGet(qb).localGet(nq).i32GeS().brIf(1)
  // qoff = min(qb*32, lastq): the chunk's byte offset in its row; base = xp + p*rowBytes + qoff
  f.localGet(qb).i32Const(5).i32Shl().localTee(qoff).localGet(lastq)
  f.localGet(qoff).localGet(lastq).i32LtS().select().localSet(qoff)
  f.localGet(xp).localGet(p).localGet(rowBytes).i32Mul().i32Add()
  f.localGet(qoff).i32Add().localSet(base)
  for (const a of acc) f.f32x4Const(0).localSet(a)
  f.localGet(taps).localSet(tp)
  f.localGet(wts).localSet(wp)
  f.loop() // tap loop
  f.localGet(base).localGet(tp).i32Load().i32Add().localTee(xa)
  f.v128Load(0).localSet(a0)
  f.localGet(xa).v128Load(16).localSet(a1)
  for (let c = 0; c < DIRECT_CHANNELS; c++) {
    f.localGet(wp)
      .v128Load32Splat(4 * c)
      .localSet(w)
    f.localGet(acc[2 * c])
      .localGet(w)
      .localGet(a0)
      .f32x4Mul()
      .f32x4Add()
      .localSet(acc[2 * c])
    f.localGet(acc[2 * c + 1])
      .localGet(w)
      .localGet(a1)
      .f32x4Mul()
      .f32x4Add()
      .localSet(acc[2 * c + 1])
  }
  f.localGet(wp)
    .i32Const(4 * DIRECT_CHANNELS)
    .i32Add()
    .localSet(wp)
  f.localGet(tp).i32Const(4).i32Add().localTee(tp).localGet(tend).i32Ne().brIf(0)
  f.end()
  // yc = y + p*ldy + qoff, then one plane per channel
  f.localGet(y).localGet(p).localGet(ldy).i32Mul().i32Add()
  f.localGet(qoff).i32Add().localSet(yc)
  for (let c = 0; c < DIRECT_CHANNELS; c++) {
    f.localGet(yc)
      .localGet(acc[2 * c])
      .v128Store(0)
    f.localGet(yc)
      .localGet(acc[2 * c + 1])
      .v128Store(16)
    if (c < DIRECT_CHANNELS - 1) f.localGet(yc).localGet(planeBytes).i32Add().localSet(yc)
  }
  f.localGet(qb).i32Const(1).i32Add().localSet(qb)
  f.br(0)
  f.end().end()
  f.localGet(p).i32Const(1).i32Add().localSet(p)
  f.br(0)
  f.end().end()
  return f
}

/**
 * Assembles the direct convolution module: exports `direct` (see above), importing its
 * memory as `env.memory`.
 *
 * @returns the module bytes
 * @example
 * ```ts
 * const module = new WebAssembly.Module(convModuleBytes())
 * ```
 */
export function convModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ module: 'env', field: 'memory', initial: 1 }, [['direct', direct()]])
}
