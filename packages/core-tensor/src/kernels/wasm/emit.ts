/**
 * A tiny WebAssembly binary emitter: just enough of the format (LEB128, the type, import,
 * function, export and code sections, and the opcodes the matmul kernels use) to assemble a
 * module from TypeScript at first use. Writing the kernels as TypeScript that emits bytes keeps
 * their source in the repo, readable and typed, with no build step and no dependency; the bytes
 * take microseconds to make and `new WebAssembly.Module` compiles them once.
 *
 * Reference: the WebAssembly core specification 2.0, section 5 (binary format), and the fixed
 * width SIMD proposal (merged in 2.0) for the `0xfd`-prefixed opcodes.
 */

/** Value types of the binary format (spec 5.3.1). */
export const ValType = {
  i32: 0x7f,
  f32: 0x7d,
  v128: 0x7b,
} as const

/** One of the value types the emitter supports. */
export type ValType = (typeof ValType)[keyof typeof ValType]

/**
 * Appends `value` as unsigned LEB128 (7 bits a byte, low first, high bit = more).
 *
 * @param out - byte list to append to
 * @param value - a non-negative integer below 2^32
 * @example
 * ```ts
 * const b: number[] = []; uleb(b, 624485) // b = [0xe5, 0x8e, 0x26]
 * ```
 */
export function uleb(out: number[], value: number): void {
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
}

/**
 * Appends `value` as signed LEB128 (two's complement, sign-extended from the last byte's bit 6).
 *
 * @param out - byte list to append to
 * @param value - an integer in [-2^31, 2^31)
 * @example
 * ```ts
 * const b: number[] = []; sleb(b, -123456) // b = [0xc0, 0xbb, 0x78]
 * ```
 */
export function sleb(out: number[], value: number): void {
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return
  }
}

/** Encodes a name (UTF-8 bytes with a length prefix). */
function name(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s)
  uleb(out, bytes.length)
  for (const b of bytes) out.push(b)
}

/**
 * Builds the body of one function: declare locals, then emit instructions. Each method appends
 * one instruction and returns `this`, so kernels read as straight-line assembly.
 *
 * Locals are numbered after the parameters, in declaration order (spec 2.5.3).
 *
 * @example
 * ```ts
 * const f = new FunctionBuilder([ValType.i32, ValType.i32], [ValType.i32])
 * f.localGet(0).localGet(1).i32Add()   // (a, b) => a + b
 * ```
 */
export class FunctionBuilder {
  /** Parameter types, in order. */
  readonly params: readonly ValType[]
  /** Result types, in order. */
  readonly results: readonly ValType[]
  /** Instruction bytes, without the trailing `end`. */
  readonly code: number[] = []
  private readonly locals: ValType[] = []

  /**
   * @param params - parameter types; parameters are locals 0..params.length-1
   * @param results - result types (zero or one here)
   */
  constructor(params: readonly ValType[], results: readonly ValType[]) {
    this.params = params
    this.results = results
  }

  /**
   * Declares a new local and returns its index.
   *
   * @param type - the local's value type
   * @returns the index to use with `localGet` / `localSet`
   */
  local(type: ValType): number {
    this.locals.push(type)
    return this.params.length + this.locals.length - 1
  }

  /** The locals declaration, run-length encoded as the binary format wants (spec 5.5.13). */
  encodeLocals(out: number[]): void {
    const runs: [number, ValType][] = []
    for (const t of this.locals) {
      const last = runs.at(-1)
      if (last?.[1] === t) last[0]++
      else runs.push([1, t])
    }
    uleb(out, runs.length)
    for (const [count, t] of runs) {
      uleb(out, count)
      out.push(t)
    }
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b)
    return this
  }

  private simd(opcode: number): this {
    this.code.push(0xfd)
    uleb(this.code, opcode)
    return this
  }

  private memarg(align: number, offset: number): this {
    uleb(this.code, align)
    uleb(this.code, offset)
    return this
  }

  // Control. Block types are always empty here (0x40).
  /** `block` with no result: `br 0` inside jumps to its end. */
  block(): this {
    return this.op(0x02, 0x40)
  }
  /** `loop` with no result: `br 0` inside jumps back to its start. */
  loop(): this {
    return this.op(0x03, 0x40)
  }
  /** `if` with no result; pops an i32 condition. */
  if(): this {
    return this.op(0x04, 0x40)
  }
  /** `else` of the innermost `if`. */
  else(): this {
    return this.op(0x05)
  }
  /** `end` of the innermost block, loop or if. */
  end(): this {
    return this.op(0x0b)
  }
  /** Unconditional branch to the label `depth` levels out. */
  br(depth: number): this {
    this.op(0x0c)
    uleb(this.code, depth)
    return this
  }
  /** Branch to the label `depth` levels out when the popped i32 is non-zero. */
  brIf(depth: number): this {
    this.op(0x0d)
    uleb(this.code, depth)
    return this
  }
  /** `return`. */
  return(): this {
    return this.op(0x0f)
  }

  // Locals.
  /** Pushes local `index`. */
  localGet(index: number): this {
    this.op(0x20)
    uleb(this.code, index)
    return this
  }
  /** Pops into local `index`. */
  localSet(index: number): this {
    this.op(0x21)
    uleb(this.code, index)
    return this
  }
  /** Stores the top of stack into local `index` and keeps it on the stack. */
  localTee(index: number): this {
    this.op(0x22)
    uleb(this.code, index)
    return this
  }

  // Scalar memory. `offset` is a constant byte offset added to the popped address.
  /** `f32.load` (natural alignment 4). */
  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset)
  }
  /** `i32.load` (natural alignment 4). */
  i32Load(offset = 0): this {
    return this.op(0x28).memarg(2, offset)
  }
  /** `f32.store`: pops value then address. */
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset)
  }

  // i32 arithmetic and comparisons.
  /** Pushes an i32 constant. */
  i32Const(value: number): this {
    this.op(0x41)
    sleb(this.code, value)
    return this
  }
  /** `i32.eqz`. */
  i32Eqz(): this {
    return this.op(0x45)
  }
  /** `i32.ne`. */
  i32Ne(): this {
    return this.op(0x47)
  }
  /** `i32.lt_s`. */
  i32LtS(): this {
    return this.op(0x48)
  }
  /** `i32.gt_s`. */
  i32GtS(): this {
    return this.op(0x4a)
  }
  /** `i32.le_s`. */
  i32LeS(): this {
    return this.op(0x4c)
  }
  /** `i32.ge_s`. */
  i32GeS(): this {
    return this.op(0x4e)
  }
  /** `i32.add`. */
  i32Add(): this {
    return this.op(0x6a)
  }
  /** `i32.sub`. */
  i32Sub(): this {
    return this.op(0x6b)
  }
  /** `i32.mul`. */
  i32Mul(): this {
    return this.op(0x6c)
  }
  /** `i32.and`. */
  i32And(): this {
    return this.op(0x71)
  }
  /** `i32.shl`. */
  i32Shl(): this {
    return this.op(0x74)
  }
  /** `select`: pops condition, b, a; pushes a when condition is non-zero, else b. */
  select(): this {
    return this.op(0x1b)
  }

  // f32.
  /** Pushes an f32 constant. */
  f32Const(value: number): this {
    this.op(0x43)
    const bytes = new Uint8Array(new Float32Array([value]).buffer)
    for (const b of bytes) this.code.push(b)
    return this
  }
  /** `f32.add`. */
  f32Add(): this {
    return this.op(0x92)
  }
  /** `f32.mul`. */
  f32Mul(): this {
    return this.op(0x94)
  }

  // SIMD (prefix 0xfd).
  /** `v128.load` of 16 bytes at address + offset (alignment hint 16). */
  v128Load(offset = 0): this {
    return this.simd(0x00).memarg(4, offset)
  }
  /** `v128.load32_splat`: loads one f32 and copies it into all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09).memarg(2, offset)
  }
  /** `v128.store`: pops value then address. */
  v128Store(offset = 0): this {
    return this.simd(0x0b).memarg(4, offset)
  }
  /** `v128.const` of four equal f32 lanes. */
  f32x4Const(value: number): this {
    this.simd(0x0c)
    const bytes = new Uint8Array(new Float32Array([value, value, value, value]).buffer)
    for (const b of bytes) this.code.push(b)
    return this
  }
  /** `f32x4.splat`: pops an f32, pushes it in all four lanes. */
  f32x4Splat(): this {
    return this.simd(0x13)
  }
  /** `f32x4.add`, lane-wise. */
  f32x4Add(): this {
    return this.simd(0xe4)
  }
  /** `f32x4.mul`, lane-wise. */
  f32x4Mul(): this {
    return this.simd(0xe6)
  }
  /** `f32x4.div`, lane-wise, correctly rounded. */
  f32x4Div(): this {
    return this.simd(0xe7)
  }
  /** `f32x4.sqrt`, lane-wise, correctly rounded. */
  f32x4Sqrt(): this {
    return this.simd(0xe3)
  }
}

/** Memory import options: initial and maximum pages of 64 KiB, and whether it is shared. */
export interface MemoryImport {
  /** Module name of the import, e.g. `env`. */
  module: string
  /** Field name of the import, e.g. `memory`. */
  field: string
  /** Initial size in 64 KiB pages. */
  initial: number
  /** Maximum size in pages; required when `shared`. */
  maximum?: number
  /** A shared memory (for worker threads); needs `maximum`. */
  shared?: boolean
}

/**
 * Assembles a module that imports one memory and exports the given functions, in order.
 *
 * Layout (spec 5.5): magic, version, then sections type (1), import (2), function (3),
 * export (7), code (10). Each function gets its own type entry; duplicates cost a few bytes.
 *
 * @param memory - the memory to import
 * @param functions - exported name and body of each function; function index = position
 * @returns the module's bytes, ready for `new WebAssembly.Module`
 * @example
 * ```ts
 * const f = new FunctionBuilder([ValType.i32], [ValType.i32]); f.localGet(0)
 * const bytes = assembleModule({ module: 'env', field: 'memory', initial: 1 }, [['id', f]])
 * ```
 */
export function assembleModule(
  memory: MemoryImport,
  functions: readonly (readonly [string, FunctionBuilder])[],
): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  const section = (id: number, body: number[]): void => {
    out.push(id)
    uleb(out, body.length)
    for (const b of body) out.push(b)
  }

  const types: number[] = []
  uleb(types, functions.length)
  for (const [, f] of functions) {
    types.push(0x60)
    uleb(types, f.params.length)
    for (const t of f.params) types.push(t)
    uleb(types, f.results.length)
    for (const t of f.results) types.push(t)
  }
  section(1, types)

  const imports: number[] = [1]
  name(imports, memory.module)
  name(imports, memory.field)
  imports.push(0x02)
  const flags = (memory.maximum === undefined ? 0 : 1) | (memory.shared === true ? 2 : 0)
  imports.push(flags)
  uleb(imports, memory.initial)
  if (memory.maximum !== undefined) uleb(imports, memory.maximum)
  section(2, imports)

  const funcs: number[] = []
  uleb(funcs, functions.length)
  for (let i = 0; i < functions.length; i++) uleb(funcs, i)
  section(3, funcs)

  const exports: number[] = []
  uleb(exports, functions.length)
  functions.forEach(([exportName], i) => {
    name(exports, exportName)
    exports.push(0x00)
    uleb(exports, i)
  })
  section(7, exports)

  const code: number[] = []
  uleb(code, functions.length)
  for (const [, f] of functions) {
    const body: number[] = []
    f.encodeLocals(body)
    for (const b of f.code) body.push(b)
    body.push(0x0b)
    uleb(code, body.length)
    for (const b of body) code.push(b)
  }
  section(10, code)

  return new Uint8Array(out)
}
