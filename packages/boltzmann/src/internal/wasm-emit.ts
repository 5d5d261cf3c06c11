// A minimal WebAssembly binary emitter for this package's two kernels (sparse-kernels.ts):
// LEB128, the type/import/function/export/code sections, and the opcodes those kernels use.
// Writing the kernels as TypeScript that emits bytes keeps their source readable and typed,
// with no build step or dependency (core-tensor's matmul kernels do the same; its emitter is
// internal to that package). Reference: WebAssembly core specification 2.0, §5 (binary format),
// with the fixed-width SIMD opcodes (prefix 0xfd).

/** Value types (spec 5.3.1). */
export const I32 = 0x7f
export const I64 = 0x7e
export const V128 = 0x7b

/** Appends `value` (0 ≤ value < 2^32) as unsigned LEB128. */
export function uleb(out: number[], value: number): void {
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
}

/** Appends a signed LEB128 of a BigInt (i32.const / i64.const immediates). */
export function sleb(out: number[], value: bigint): void {
  let v = value
  for (;;) {
    const byte = Number(v & 0x7fn)
    v >>= 7n
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return
  }
}

/**
 * One function body as straight-line assembly: each method appends one instruction and
 * returns `this`. Locals are numbered after the parameters, in declaration order.
 */
export class FunctionBody {
  readonly code: number[] = []
  private readonly locals: number[] = []

  constructor(
    readonly params: readonly number[],
    readonly results: readonly number[],
  ) {}

  /** Declares a local of `type` and returns its index. */
  local(type: number): number {
    this.locals.push(type)
    return this.params.length + this.locals.length - 1
  }

  /** The body's bytes: locals then code then `end`. */
  encode(): number[] {
    const body: number[] = []
    uleb(body, this.locals.length)
    for (const t of this.locals) body.push(1, t)
    body.push(...this.code, 0x0b)
    const out: number[] = []
    uleb(out, body.length)
    out.push(...body)
    return out
  }

  /** Appends raw opcode bytes. */
  op(...bytes: number[]): this {
    this.code.push(...bytes)
    return this
  }
  private memarg(align: number, offset: number): this {
    this.code.push(align)
    uleb(this.code, offset)
    return this
  }
  private simd(opcode: number): this {
    this.code.push(0xfd)
    uleb(this.code, opcode)
    return this
  }

  block(): this {
    return this.op(0x02, 0x40)
  }
  loop(): this {
    return this.op(0x03, 0x40)
  }
  end(): this {
    return this.op(0x0b)
  }
  br(depth: number): this {
    return this.op(0x0c, depth)
  }
  brIf(depth: number): this {
    return this.op(0x0d, depth)
  }
  get(index: number): this {
    return this.op(0x20, index)
  }
  set(index: number): this {
    return this.op(0x21, index)
  }
  tee(index: number): this {
    return this.op(0x22, index)
  }
  i32Const(value: number): this {
    this.code.push(0x41)
    sleb(this.code, BigInt(value | 0))
    return this
  }
  i64Const(value: bigint): this {
    this.code.push(0x42)
    sleb(this.code, BigInt.asIntN(64, value))
    return this
  }
  i32Load(offset = 0): this {
    return this.op(0x28).memarg(2, offset)
  }
  i32Store(offset = 0): this {
    return this.op(0x36).memarg(2, offset)
  }
  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset)
  }
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset)
  }
  i32Eqz(): this {
    return this.op(0x45)
  }
  i32GeU(): this {
    return this.op(0x4f)
  }
  i32GtU(): this {
    return this.op(0x4b)
  }
  i32Add(): this {
    return this.op(0x6a)
  }
  i32Sub(): this {
    return this.op(0x6b)
  }
  i32Mul(): this {
    return this.op(0x6c)
  }
  i32Shl(): this {
    return this.op(0x74)
  }
  i32Xor(): this {
    return this.op(0x73)
  }
  i32WrapI64(): this {
    return this.op(0xa7)
  }
  i64ExtendI32U(): this {
    return this.op(0xad)
  }
  i64Mul(): this {
    return this.op(0x7e)
  }
  i64ShrU(): this {
    return this.op(0x88)
  }
  v128Load(offset = 0): this {
    return this.simd(0x00).memarg(4, offset)
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b).memarg(4, offset)
  }
  /** `v128.const` of zero bits (0.0 in every f32 lane). */
  v128Zero(): this {
    this.simd(0x0c)
    for (let b = 0; b < 16; b++) this.code.push(0)
    return this
  }
  f32x4Add(): this {
    return this.simd(0xe4)
  }
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id)
  uleb(out, body.length)
  out.push(...body)
}

function name(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s)
  uleb(out, bytes.length)
  out.push(...bytes)
}

/**
 * A module that imports memory `env.memory` (at least `initialPages` pages of 64 KiB) and
 * exports `functions` by name.
 */
export function assembleModule(
  functions: readonly { readonly name: string; readonly body: FunctionBody }[],
  initialPages: number,
): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  const types: number[] = []
  uleb(types, functions.length)
  for (const { body } of functions) {
    types.push(0x60)
    uleb(types, body.params.length)
    types.push(...body.params)
    uleb(types, body.results.length)
    types.push(...body.results)
  }
  section(out, 1, types)
  const imports: number[] = [1]
  name(imports, 'env')
  name(imports, 'memory')
  imports.push(0x02, 0x00)
  uleb(imports, initialPages)
  section(out, 2, imports)
  const funcs: number[] = []
  uleb(funcs, functions.length)
  functions.forEach((_, i) => uleb(funcs, i))
  section(out, 3, funcs)
  const exports: number[] = []
  uleb(exports, functions.length)
  functions.forEach((f, i) => {
    name(exports, f.name)
    exports.push(0x00)
    uleb(exports, i)
  })
  section(out, 7, exports)
  const code: number[] = []
  uleb(code, functions.length)
  for (const { body } of functions) code.push(...body.encode())
  section(out, 10, code)
  return Uint8Array.from(out)
}
