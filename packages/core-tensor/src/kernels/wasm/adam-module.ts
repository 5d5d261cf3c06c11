/**
 * The WebAssembly SIMD Adam step, written as TypeScript that emits the module's bytes (see
 * `emit.ts`). Four lanes at a time, every operation an IEEE float32 one (f32x4 mul, add,
 * div and sqrt round correctly), in the order of the composed ops, so the result is bit for
 * bit the composed float32 path's:
 *
 * ```
 * m' = m·β₁ + g·(1 − β₁)        v' = v·β₂ + (g·g)·(1 − β₂)
 * u  = ((m' / c₁) / (√(v' / c₂) + ε)) · (−η)            decay = 0
 * u  = ((m' / c₁) / (√(v' / c₂) + ε) + p·λ) · (−η)      decay = 1
 * ```
 *
 * `adam(m, v, g, p, outM, outV, outU, bytes, k, decay)`: byte addresses of the arrays, their
 * common byte length (a multiple of 16), and `k`, nine f32 constants β₁, 1 − β₁, β₂,
 * 1 − β₂, c₁, c₂, ε, −η, λ.
 */
import { FunctionBuilder, ValType, assembleModule } from './emit'

const { i32, v128 } = ValType

function adam(): FunctionBuilder {
  const f = new FunctionBuilder([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], [])
  const [m, v, g, p, outM, outV, outU, bytes, k, decay] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  const i = f.local(i32)
  const consts: number[] = []
  for (let c = 0; c < 9; c++) consts.push(f.local(v128))
  const [b1, a1, b2, a2, c1, c2, eps, step, lambda] = consts
  const gv = f.local(v128)
  const mv = f.local(v128)
  const vv = f.local(v128)
  const d = f.local(v128)
  for (let c = 0; c < 9; c++)
    f.localGet(k)
      .v128Load32Splat(4 * c)
      .localSet(consts[c])
  f.block().loop()
  f.localGet(i).localGet(bytes).i32GeS().brIf(1)
  f.localGet(g).localGet(i).i32Add().v128Load().localSet(gv)
  // m' = m·β₁ + g·(1 − β₁)
  f.localGet(m).localGet(i).i32Add().v128Load().localGet(b1).f32x4Mul()
  f.localGet(gv).localGet(a1).f32x4Mul().f32x4Add().localSet(mv)
  // v' = v·β₂ + (g·g)·(1 − β₂)
  f.localGet(v).localGet(i).i32Add().v128Load().localGet(b2).f32x4Mul()
  f.localGet(gv).localGet(gv).f32x4Mul().localGet(a2).f32x4Mul().f32x4Add().localSet(vv)
  f.localGet(outM).localGet(i).i32Add().localGet(mv).v128Store()
  f.localGet(outV).localGet(i).i32Add().localGet(vv).v128Store()
  // d = (m' / c₁) / (√(v' / c₂) + ε)
  f.localGet(mv).localGet(c1).f32x4Div()
  f.localGet(vv).localGet(c2).f32x4Div().f32x4Sqrt().localGet(eps).f32x4Add()
  f.f32x4Div().localSet(d)
  f.localGet(decay).if()
  f.localGet(d).localGet(p).localGet(i).i32Add().v128Load().localGet(lambda).f32x4Mul().f32x4Add().localSet(d)
  f.end()
  f.localGet(outU).localGet(i).i32Add().localGet(d).localGet(step).f32x4Mul().v128Store()
  f.localGet(i).i32Const(16).i32Add().localSet(i)
  f.br(0)
  f.end().end()
  return f
}

/**
 * Assembles the Adam module: exports `adam` (see above), importing its memory as
 * `env.memory`.
 *
 * @returns the module bytes
 * @example
 * ```ts
 * const module = new WebAssembly.Module(adamModuleBytes())
 * ```
 */
export function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({ module: 'env', field: 'memory', initial: 1 }, [['adam', adam()]])
}
