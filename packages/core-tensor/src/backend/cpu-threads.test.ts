import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { InvalidArgumentError } from '../errors'
import { key, uniformFloats } from '../random'
import { matmulF32, WasmMatmul, type MatmulSpec } from '../kernels/index'
import { fromArray, matmul, transpose } from '../index'
import { cpuThreads, setCpuThreads } from '../node'

/** Values in [-1, 1) from a key. */
function data(seed: number, count: number): Float32Array {
  return uniformFloats(key(seed), count).map((u) => 2 * u - 1)
}

/** Array lengths a spec reads or writes. */
function lengths(spec: MatmulSpec): { a: number; b: number; c: number } {
  const { m, n, k } = spec
  const rowsA = spec.transposeA === true ? k : m
  const rowsB = spec.transposeB === true ? n : k
  const lda = spec.lda ?? (spec.transposeA === true ? m : k)
  const ldb = spec.ldb ?? (spec.transposeB === true ? k : n)
  return {
    a: (spec.offsetA ?? 0) + rowsA * lda,
    b: (spec.offsetB ?? 0) + rowsB * ldb,
    c: (spec.offsetC ?? 0) + m * (spec.ldc ?? n),
  }
}

/** C from one thread and from `threads`, on the same operands and the same starting C. */
async function both(spec: MatmulSpec, threads: number): Promise<[Float32Array, Float32Array]> {
  const size = lengths(spec)
  const a = data(1, size.a)
  const b = data(2, size.b)
  const c0 = data(3, size.c)
  await setCpuThreads(1)
  const one = c0.slice()
  matmulF32(a, b, one, spec)
  await setCpuThreads(threads, { minWork: 1 })
  const many = c0.slice()
  matmulF32(a, b, many, spec)
  await setCpuThreads(1)
  return [one, many]
}

afterEach(async () => {
  vi.restoreAllMocks()
  await setCpuThreads(1)
})

describe('setCpuThreads', () => {
  test('one thread is the default', () => {
    expect(cpuThreads()).toBe(1)
  })

  const shapes: [string, MatmulSpec][] = [
    ['square, k over one 256 block', { m: 64, n: 48, k: 300 }],
    ['odd m, n, k', { m: 37, n: 29, k: 17 }],
    ['m just over two tiles', { m: 9, n: 3, k: 5 }],
    ['transposed A and B', { m: 45, n: 23, k: 261, transposeA: true, transposeB: true }],
    [
      'leading dimensions, offsets, accumulate',
      {
        m: 33,
        n: 10,
        k: 40,
        lda: 50,
        ldb: 13,
        ldc: 17,
        offsetA: 3,
        offsetB: 5,
        offsetC: 2,
        accumulate: true,
      },
    ],
    ['gaps in C without accumulate', { m: 21, n: 7, k: 9, ldc: 11, transposeA: true }],
  ]
  test.each(shapes)('two and three threads give the one-thread C bit for bit: %s', async (_, spec) => {
    for (const threads of [2, 3]) {
      const [one, many] = await both(spec, threads)
      expect(many).toEqual(one)
    }
  })

  test('the calling thread computes only its own row block (the worker did the rest)', async () => {
    const spec = { m: 64, n: 32, k: 40 }
    const a = data(4, 64 * 40)
    const b = data(5, 40 * 32)
    const one = new Float32Array(64 * 32)
    matmulF32(a, b, one, spec)
    await setCpuThreads(2, { minWork: 1 })
    const run = vi.spyOn(WasmMatmul.prototype, 'run')
    const many = new Float32Array(64 * 32)
    matmulF32(a, b, many, spec)
    expect(run).toHaveBeenCalledTimes(1)
    expect(run.mock.calls[0][0].m).toBe(32)
    expect(many).toEqual(one)
  })

  test('products under minWork stay on the calling thread', async () => {
    await setCpuThreads(2, { minWork: 64 * 32 * 40 + 1 })
    const run = vi.spyOn(WasmMatmul.prototype, 'run')
    matmulF32(data(4, 64 * 40), data(5, 40 * 32), new Float32Array(64 * 32), { m: 64, n: 32, k: 40 })
    expect(run.mock.calls[0][0].m).toBe(64)
  })

  test('tensor matmul (batched, transposed view) is unchanged by threads', async () => {
    const x = fromArray(data(6, 3 * 70 * 90), { shape: [3, 70, 90] })
    const w = fromArray(data(7, 50 * 90), { shape: [50, 90] })
    const one = matmul(x, transpose(w)).dataSync()
    await setCpuThreads(2, { minWork: 1 })
    expect(cpuThreads()).toBe(2)
    const many = matmul(x, transpose(w)).dataSync()
    expect(many).toEqual(one)
    await setCpuThreads(1)
    expect(cpuThreads()).toBe(1)
  })

  test('rejects a bad thread count or minWork, naming the argument', async () => {
    await expect(setCpuThreads(0)).rejects.toThrow(InvalidArgumentError)
    await expect(setCpuThreads(2.5)).rejects.toThrow(/threads.*integer in \[1, 64\], got 2.5/)
    await expect(setCpuThreads(2, { minWork: 0 })).rejects.toThrow(/minWork.*positive integer, got 0/)
    expect(cpuThreads()).toBe(1)
  })

  test('a process that leaves threads on still exits (workers are unref-ed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-threads-'))
    const script = join(dir, 'exit.mts')
    const node = fileURLToPath(new URL('../node.ts', import.meta.url))
    const kernels = fileURLToPath(new URL('../kernels/index.ts', import.meta.url))
    writeFileSync(
      script,
      [
        `import { setCpuThreads } from ${JSON.stringify(node)}`,
        `import { matmulF32 } from ${JSON.stringify(kernels)}`,
        'await setCpuThreads(2, { minWork: 1 })',
        'const c = new Float32Array(64 * 64)',
        'matmulF32(new Float32Array(64 * 64).fill(1), new Float32Array(64 * 64).fill(2), c, { m: 64, n: 64, k: 64 })',
        'console.log(c[0], c[64 * 64 - 1])',
      ].join('\n'),
    )
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 60_000,
      encoding: 'utf8',
    })
    expect(child.error).toBeUndefined()
    expect(child.stderr).toBe('')
    expect(child.status).toBe(0)
    expect(child.stdout.trim()).toBe('128 128')
  })
})
