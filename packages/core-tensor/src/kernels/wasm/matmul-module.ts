/**
 * The WebAssembly SIMD matmul kernels, written as TypeScript that emits the module's bytes
 * (see `emit.ts`). The scheme is the GotoBLAS/BLIS one (Goto & van de Geijn, "Anatomy of
 * high-performance matrix multiplication", 2008):
 *
 * - `packA` copies an `mc x kc` block of A into panels of `MR` rows: panel `t` holds, for each
 *   `p` in `0..kc`, the `MR` values `A[t*MR + r, p]` side by side. The micro-kernel then reads
 *   A as one contiguous stream.
 * - `packB` copies a `kc x nc` block of B into panels of `NR` columns: for each `p`, the `NR`
 *   values `B[p, t*NR + c]`, so each `k` step is two aligned 16-byte loads (NR = 8).
 * - `macro` walks the `NR`-column panels of B (outer, so one `kc x NR` panel stays in L1) and
 *   the `MR`-row panels of A (inner, streamed from L2), and runs the register-blocked
 *   micro-kernel on each `MR x NR` tile of C: `MR * NR / 4` f32x4 accumulators held in locals,
 *   per `k` step two B loads, `MR` splat loads of A, and `MR * NR / 4` multiplies and adds
 *   (no fused multiply-add: relaxed SIMD is not available everywhere).
 *
 * Panels at the right and bottom edges are padded by repeating the last real row or column, so
 * the micro-kernel never branches on size; the padded lanes are computed and thrown away, and
 * edge tiles go through a small scratch tile before the valid part is written to C.
 *
 * All addresses and strides passed to these functions are in bytes.
 */
import { FunctionBuilder, ValType, assembleModule } from './emit'

const { i32, v128 } = ValType

/** Register tile of the micro-kernel: rows of A per panel. */
export const MR = 4
/** Register tile of the micro-kernel: columns of B per panel (two f32x4 vectors). */
export const NR = 8

/**
 * `packA(src, rs, cs, mc, kc, dst)`: packs `mc x kc` values `A[i, p] = f32[src + i*rs + p*cs]`
 * into `ceil(mc / MR)` panels of `kc * MR` floats at `dst`. Rows past `mc` repeat row `mc - 1`.
 */
function packA(): FunctionBuilder {
  const f = new FunctionBuilder([i32, i32, i32, i32, i32, i32], [])
  const [src, rs, cs, mc, kc, dst] = [0, 1, 2, 3, 4, 5]
  const ir = f.local(i32)
  const p = f.local(i32)
  const last = f.local(i32)
  const q: number[] = []
  for (let r = 0; r < MR; r++) q.push(f.local(i32))

  // last = src + (mc - 1) * rs: the address of the last real row, where padding rows point.
  f.localGet(src).localGet(mc).i32Const(1).i32Sub().localGet(rs).i32Mul().i32Add().localSet(last)
  f.i32Const(0).localSet(ir)
  f.block().loop()
  f.localGet(ir).localGet(mc).i32GeS().brIf(1)
  for (let r = 0; r < MR; r++) {
    // q[r] = min(src + (ir + r) * rs, last), as a select on ir + r < mc.
    f.localGet(src).localGet(ir).i32Const(r).i32Add().localGet(rs).i32Mul().i32Add()
    f.localGet(last)
    f.localGet(ir).i32Const(r).i32Add().localGet(mc).i32LtS()
    f.select().localSet(q[r])
  }
  f.i32Const(0).localSet(p)
  f.loop()
  for (let r = 0; r < MR; r++) {
    f.localGet(dst)
      .localGet(q[r])
      .f32Load()
      .f32Store(4 * r)
    f.localGet(q[r]).localGet(cs).i32Add().localSet(q[r])
  }
  f.localGet(dst)
    .i32Const(4 * MR)
    .i32Add()
    .localSet(dst)
  f.localGet(p).i32Const(1).i32Add().localTee(p).localGet(kc).i32LtS().brIf(0)
  f.end()
  f.localGet(ir).i32Const(MR).i32Add().localSet(ir)
  f.br(0)
  f.end().end()
  return f
}

/**
 * `packB(src, rs, cs, kc, nc, dst)`: packs `kc x nc` values `B[p, j] = f32[src + p*rs + j*cs]`
 * into `ceil(nc / NR)` panels of `kc * NR` floats at `dst`. Columns past `nc` repeat column
 * `nc - 1`. A full panel with unit column stride (`cs = 4`) is copied with two v128 loads a row.
 */
function packB(): FunctionBuilder {
  const f = new FunctionBuilder([i32, i32, i32, i32, i32, i32], [])
  const [src, rs, cs, kc, nc, dst] = [0, 1, 2, 3, 4, 5]
  const jr = f.local(i32)
  const p = f.local(i32)
  const last = f.local(i32)
  const q: number[] = []
  for (let c = 0; c < NR; c++) q.push(f.local(i32))

  f.localGet(src).localGet(nc).i32Const(1).i32Sub().localGet(cs).i32Mul().i32Add().localSet(last)
  f.i32Const(0).localSet(jr)
  f.block().loop()
  f.localGet(jr).localGet(nc).i32GeS().brIf(1)
  for (let c = 0; c < NR; c++) {
    f.localGet(src).localGet(jr).i32Const(c).i32Add().localGet(cs).i32Mul().i32Add()
    f.localGet(last)
    f.localGet(jr).i32Const(c).i32Add().localGet(nc).i32LtS()
    f.select().localSet(q[c])
  }
  f.i32Const(0).localSet(p)
  // Fast path: unit column stride and a full panel.
  f.localGet(cs).i32Const(4).i32Ne()
  f.localGet(jr).i32Const(NR).i32Add().localGet(nc).i32GtS()
  f.i32Add() // non-zero when either fails (each term is 0 or 1)
  f.i32Eqz()
  f.if()
  f.loop()
  for (let v = 0; v < NR / 4; v++)
    f.localGet(dst)
      .localGet(q[0])
      .v128Load(16 * v)
      .v128Store(16 * v)
  f.localGet(q[0]).localGet(rs).i32Add().localSet(q[0])
  f.localGet(dst)
    .i32Const(4 * NR)
    .i32Add()
    .localSet(dst)
  f.localGet(p).i32Const(1).i32Add().localTee(p).localGet(kc).i32LtS().brIf(0)
  f.end()
  f.else()
  f.loop()
  for (let c = 0; c < NR; c++) {
    f.localGet(dst)
      .localGet(q[c])
      .f32Load()
      .f32Store(4 * c)
    f.localGet(q[c]).localGet(rs).i32Add().localSet(q[c])
  }
  f.localGet(dst)
    .i32Const(4 * NR)
    .i32Add()
    .localSet(dst)
  f.localGet(p).i32Const(1).i32Add().localTee(p).localGet(kc).i32LtS().brIf(0)
  f.end()
  f.end()
  f.localGet(jr).i32Const(NR).i32Add().localSet(jr)
  f.br(0)
  f.end().end()
  return f
}

/**
 * `macro(mc, nc, kc, ap, bp, c, ldc, beta, scratch)`: `C[i, j] = beta*C[i, j] + sum_p
 * Ap[i, p] * Bp[p, j]` for the `mc x nc` block of C at byte address `c` with row stride `ldc`
 * bytes, from packed A (`packA` layout, at `ap`) and packed B (`packB` layout, at `bp`);
 * `beta` is 0 or 1. `scratch` is `MR * NR * 4` bytes, 16-aligned, for edge tiles. Needs
 * `kc >= 1`.
 */
function macro(): FunctionBuilder {
  const f = new FunctionBuilder([i32, i32, i32, i32, i32, i32, i32, i32, i32], [])
  const [mc, nc, kc, ap, bp, c, ldc, beta, scratch] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
  const jr = f.local(i32)
  const ir = f.local(i32)
  const pa = f.local(i32)
  const pb = f.local(i32)
  const pend = f.local(i32)
  const crow = f.local(i32)
  const rows = f.local(i32)
  const cols = f.local(i32)
  const r = f.local(i32)
  const cc = f.local(i32)
  const kc4 = f.local(i32)
  const bv: number[] = []
  for (let v = 0; v < NR / 4; v++) bv.push(f.local(v128))
  const av = f.local(v128)
  // acc[row * (NR/4) + v]
  const acc: number[] = []
  for (let k = 0; k < (MR * NR) / 4; k++) acc.push(f.local(v128))
  const V = NR / 4

  f.localGet(kc).i32Const(2).i32Shl().localSet(kc4)
  f.i32Const(0).localSet(jr)
  f.block().loop() // jr loop: labels [jr-block=1, jr-loop=0]
  f.localGet(jr).localGet(nc).i32GeS().brIf(1)
  f.i32Const(0).localSet(ir)
  f.block().loop() // ir loop
  f.localGet(ir).localGet(mc).i32GeS().brIf(1)

  // pa = ap + ir*kc*4, pb = bp + jr*kc*4, pend = pb + kc*NR*4
  f.localGet(ap).localGet(ir).localGet(kc4).i32Mul().i32Add().localSet(pa)
  f.localGet(bp).localGet(jr).localGet(kc4).i32Mul().i32Add().localTee(pb)
  f.localGet(kc4).i32Const(NR).i32Mul().i32Add().localSet(pend)
  for (const a of acc) f.f32x4Const(0).localSet(a)

  // The micro-kernel: one k step per iteration.
  f.loop()
  for (let v = 0; v < V; v++)
    f.localGet(pb)
      .v128Load(16 * v)
      .localSet(bv[v])
  for (let row = 0; row < MR; row++) {
    f.localGet(pa)
      .v128Load32Splat(4 * row)
      .localSet(av)
    for (let v = 0; v < V; v++) {
      const a = acc[row * V + v]
      f.localGet(a).localGet(av).localGet(bv[v]).f32x4Mul().f32x4Add().localSet(a)
    }
  }
  f.localGet(pa)
    .i32Const(4 * MR)
    .i32Add()
    .localSet(pa)
  f.localGet(pb)
    .i32Const(4 * NR)
    .i32Add()
    .localTee(pb)
    .localGet(pend)
    .i32Ne()
    .brIf(0)
  f.end()

  // crow = c + ir*ldc + jr*4
  f.localGet(c).localGet(ir).localGet(ldc).i32Mul().i32Add().localGet(jr).i32Const(2).i32Shl().i32Add()
  f.localSet(crow)
  f.localGet(mc).localGet(ir).i32Sub().localSet(rows)
  f.localGet(nc).localGet(jr).i32Sub().localSet(cols)

  f.localGet(rows).i32Const(MR).i32GeS()
  f.localGet(cols).i32Const(NR).i32GeS()
  f.i32And()
  f.if()
  {
    // Full tile: straight to C.
    f.localGet(beta).if()
    for (let row = 0; row < MR; row++) {
      for (let v = 0; v < V; v++) {
        const a = acc[row * V + v]
        f.localGet(a)
          .localGet(crow)
          .v128Load(16 * v)
          .f32x4Add()
          .localSet(a)
      }
      if (row < MR - 1) f.localGet(crow).localGet(ldc).i32Add().localSet(crow)
    }
    // Rewind crow for the stores.
    f.localGet(crow)
      .localGet(ldc)
      .i32Const(MR - 1)
      .i32Mul()
      .i32Sub()
      .localSet(crow)
    f.end()
    for (let row = 0; row < MR; row++) {
      for (let v = 0; v < V; v++)
        f.localGet(crow)
          .localGet(acc[row * V + v])
          .v128Store(16 * v)
      if (row < MR - 1) f.localGet(crow).localGet(ldc).i32Add().localSet(crow)
    }
  }
  f.else()
  {
    // Edge tile: spill to scratch, then write the valid rows x cols part.
    for (let row = 0; row < MR; row++) {
      for (let v = 0; v < V; v++)
        f.localGet(scratch)
          .localGet(acc[row * V + v])
          .v128Store(16 * (row * V + v))
    }
    f.localGet(rows).i32Const(MR).localGet(rows).i32Const(MR).i32LtS().select().localSet(rows)
    f.localGet(cols).i32Const(NR).localGet(cols).i32Const(NR).i32LtS().select().localSet(cols)
    f.i32Const(0).localSet(r)
    f.loop()
    f.i32Const(0).localSet(cc)
    f.loop()
    // addr = crow + cc*4 ; value = scratch[(r*NR + cc)*4] + (beta ? C : 0)
    f.localGet(crow).localGet(cc).i32Const(2).i32Shl().i32Add()
    f.localGet(scratch)
      .localGet(r)
      .i32Const(NR)
      .i32Mul()
      .localGet(cc)
      .i32Add()
      .i32Const(2)
      .i32Shl()
      .i32Add()
      .f32Load()
    // + (beta ? C : 0), as a select: C is a valid address either way.
    f.localGet(crow).localGet(cc).i32Const(2).i32Shl().i32Add().f32Load()
    f.f32Const(0).localGet(beta).select().f32Add()
    f.f32Store()
    f.localGet(cc).i32Const(1).i32Add().localTee(cc).localGet(cols).i32LtS().brIf(0)
    f.end()
    f.localGet(crow).localGet(ldc).i32Add().localSet(crow)
    f.localGet(r).i32Const(1).i32Add().localTee(r).localGet(rows).i32LtS().brIf(0)
    f.end()
  }
  f.end()

  f.localGet(ir).i32Const(MR).i32Add().localSet(ir)
  f.br(0)
  f.end().end()
  f.localGet(jr).i32Const(NR).i32Add().localSet(jr)
  f.br(0)
  f.end().end()
  return f
}

/**
 * Assembles the kernel module: exports `packA`, `packB` and `macro` (see above), importing its
 * memory as `env.memory`.
 *
 * @param shared - import a shared memory (for worker threads); needs `maximumPages`
 * @param maximumPages - the memory's maximum size in 64 KiB pages, when `shared`
 * @returns the module bytes
 * @example
 * ```ts
 * const module = new WebAssembly.Module(matmulModuleBytes())
 * ```
 */
export function matmulModuleBytes(shared = false, maximumPages?: number): Uint8Array<ArrayBuffer> {
  return assembleModule({ module: 'env', field: 'memory', initial: 1, maximum: maximumPages, shared }, [
    ['packA', packA()],
    ['packB', packB()],
    ['macro', macro()],
  ])
}
