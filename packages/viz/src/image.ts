/**
 * Images as plain data (`{ width, height, channels, data }`, 8-bit, row-major, channels
 * interleaved) and the conversion from model outputs: explicit value ranges, clamping and
 * rounding (case H8), grayscale, RGB and colormapped signed fields, and integer upscaling.
 * Inputs are typed arrays with a size, or any tensor-like `{ shape, dataSync() }` (so
 * `@gen/core-tensor` tensors work without this package importing core-tensor).
 */
import { colormapColor, type ColormapName } from './colormap.js'
import { InvalidArgumentError, ShapeError } from './errors.js'
import { describe } from './internal/describe.js'

/**
 * Anything with a shape and a synchronous read: a `@gen/core-tensor` Tensor on a CPU backend,
 * for one (this package does not import core-tensor; the shape of the value is enough).
 */
export interface TensorLike {
  /** Sizes of each dimension. */
  readonly shape: readonly number[]
  /** The elements in row-major order. */
  dataSync(): ArrayLike<number>
}

/** Numbers with a shape held in a `data` field: an IDX array, an image batch, a spin stack. */
export interface ShapedArray {
  /** Sizes of each dimension. */
  readonly shape: readonly number[]
  /** The elements in row-major order; `data.length` is the product of `shape`. */
  readonly data: ArrayLike<number>
}

/** Numbers to draw: a plain array or typed array, a tensor-like value or a shaped array. */
export type NumericInput = ArrayLike<number> | TensorLike | ShapedArray

/**
 * How values map to bytes: `'0..1'`, `'-1..1'`, `'0..255'`, a `[low, high]` pair, `'auto'`
 * (the data's own min and max) or `'symmetric'` (`[−m, m]` with m = max |v|, so 0 maps to the
 * middle: the range for signed fields).
 */
export type ValueRange = '0..1' | '-1..1' | '0..255' | 'auto' | 'symmetric' | readonly [number, number]

/** An 8-bit image: row-major pixels, channels interleaved (gray, RGB or RGBA). */
export interface Image {
  /** Columns. */
  readonly width: number
  /** Rows. */
  readonly height: number
  /** 1 (gray), 3 (RGB) or 4 (RGBA). */
  readonly channels: 1 | 3 | 4
  /** `width * height * channels` bytes. */
  readonly data: Uint8Array
}

function hasShape(value: unknown): value is { shape: readonly number[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { shape?: unknown }).shape)
}

/**
 * The values and (for shaped inputs) the shape of a numeric input; checks that the shape's
 * product matches the number of values.
 */
export function readInput(
  op: string,
  input: NumericInput,
): { values: ArrayLike<number>; shape: readonly number[] | undefined } {
  if (hasShape(input)) {
    const shaped = input as Partial<TensorLike> & Partial<ShapedArray> & { shape: readonly number[] }
    let values: ArrayLike<number>
    if (typeof shaped.dataSync === 'function') values = shaped.dataSync()
    else if (
      typeof shaped.data === 'object' &&
      typeof (shaped.data as { length?: unknown }).length === 'number'
    )
      values = shaped.data
    else {
      throw new InvalidArgumentError(
        op,
        'input',
        'with a shape must have dataSync() or an array-like data field, got neither',
      )
    }
    const size = shaped.shape.reduce((a, b) => a * b, 1)
    if (size !== values.length) {
      throw new ShapeError(
        op,
        `input must hold product(shape) = ${size} values for shape [${shaped.shape.join(',')}], got ${values.length}`,
        [shaped.shape],
      )
    }
    return { values, shape: shaped.shape }
  }
  if (
    typeof input !== 'object' ||
    input === null ||
    typeof (input as { length?: unknown }).length !== 'number'
  ) {
    throw new InvalidArgumentError(
      op,
      'input',
      `must be an array, a typed array or a tensor-like, got ${describe(input)}`,
    )
  }
  return { values: input, shape: undefined }
}

export function resolveRange(op: string, values: ArrayLike<number>, range: ValueRange): [number, number] {
  if (range === '0..1') return [0, 1]
  if (range === '-1..1') return [-1, 1]
  if (range === '0..255') return [0, 255]
  if (range === 'auto' || range === 'symmetric') {
    let low = Infinity
    let high = -Infinity
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v < low) low = v
      if (v > high) high = v
    }
    if (values.length === 0) return [0, 1]
    if (range === 'symmetric') {
      const m = Math.max(Math.abs(low), Math.abs(high))
      return m === 0 ? [-1, 1] : [-m, m]
    }
    return low === high ? [low - 0.5, low + 0.5] : [low, high]
  }
  if (
    Array.isArray(range) &&
    range.length === 2 &&
    Number.isFinite(range[0]) &&
    Number.isFinite(range[1]) &&
    range[1] > range[0]
  ) {
    return [range[0], range[1]]
  }
  throw new InvalidArgumentError(
    op,
    'range',
    `must be '0..1', '-1..1', '0..255', 'auto', 'symmetric' or [low, high] with low < high, got ${JSON.stringify(range)}`,
  )
}

function checkFinite(op: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(op, 'values', `must be finite numbers, got ${String(v)} at index ${i}`)
    }
  }
}

/**
 * Maps values to bytes through an explicit range, clamping and rounding half up:
 * `byte = clamp(floor((v − low) · 255 / (high − low) + ½), 0, 255)`. Values a hair outside
 * the range (GPU roundoff such as −4.7e−6 or 1.0005) clamp instead of throwing; a NaN or
 * infinite value throws, naming its index, instead of turning into a silent black pixel.
 *
 * @param input - numbers (array, typed array) or a tensor-like / shaped array
 * @param range - how values map to bytes, always explicit: mixing the 0..1 and 0..255
 *   conventions is the classic way to get a black or garbled image
 * @returns one byte per value, in input order
 * @throws InvalidArgumentError for a NaN or infinite value (naming its index) or a bad range
 * @example
 * ```ts
 * toPixels([-4.73e-6, 1.000494, 0.25, 0.5], '0..1') // Uint8Array [0, 255, 64, 128]
 * toPixels([-1, 0, 1], '-1..1') // Uint8Array [0, 128, 255]
 * toPixels([2, 4, 6], 'auto') // Uint8Array [0, 128, 255]
 * ```
 */
export function toPixels(input: NumericInput, range: ValueRange): Uint8Array {
  return quantize('toPixels', readInput('toPixels', input).values, range)
}

function quantize(op: string, values: ArrayLike<number>, range: ValueRange): Uint8Array {
  checkFinite(op, values)
  const [low, high] = resolveRange(op, values, range)
  const scale = 255 / (high - low)
  const out = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const byte = Math.floor((values[i] - low) * scale + 0.5)
    out[i] = byte < 0 ? 0 : byte > 255 ? 255 : byte
  }
  return out
}

/** Options of {@link toImage}. */
export interface ToImageOptions {
  /** How values map to bytes (required). */
  range: ValueRange
  /** Columns; needed for plain arrays, read from the shape of a tensor-like. */
  width?: number
  /** Rows; needed for plain arrays, read from the shape of a tensor-like. */
  height?: number
  /** Channels of plain-array input (default 1). */
  channels?: 1 | 3 | 4
  /** Colour a one-channel input through a colormap (gives RGB). */
  colormap?: ColormapName
}

/**
 * Makes an image from numbers. Shaped inputs: `[H, W]` (gray), `[H, W, C]` with C in
 * {1, 3, 4}, or `[C, H, W]` with C in {1, 3} (channels first, as conv nets produce); plain
 * arrays take `width`, `height` and `channels`. A shape that fits both readings, such as
 * `[3, 28, 3]`, is read as `[H, W, C]`. Values go to bytes as in {@link toPixels}.
 * With `colormap`, a one-channel input becomes RGB: the value's position
 * `t = clamp((v − low) / (high − low), 0, 1)` picks the colour, so with the `'symmetric'`
 * range and the `'diverging'` map a zero weight is exactly white.
 *
 * @param input - numbers, a tensor-like or a shaped array
 * @param options - `range` (required), sizes for plain arrays, `colormap`
 * @returns the image
 * @throws ShapeError when the sizes and the number of values disagree or the shape is not an image's
 * @throws InvalidArgumentError for NaN/infinite values, a bad range or missing sizes
 * @example
 * ```ts
 * const digit = toImage(new Float32Array(28 * 28), { width: 28, height: 28, range: '0..1' })
 * digit.channels // 1
 * const spins = toImage({ shape: [2, 2], data: [1, -1, -1, 1] }, { range: 'symmetric', colormap: 'diverging' })
 * spins.data.subarray(0, 3) // Uint8Array [178, 24, 43]: +1 is red
 * ```
 */
export function toImage(input: NumericInput, options: ToImageOptions): Image {
  const op = 'toImage'
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new InvalidArgumentError(
      op,
      'options',
      `must be an object with a range such as { range: '0..1' }, got ${describe(options)}`,
    )
  }
  const { values, shape } = readInput(op, input)
  let width: number
  let height: number
  let channels: number
  let channelsFirst = false
  if (shape !== undefined) {
    if (shape.length === 2) [height, width, channels] = [shape[0], shape[1], 1]
    else if (shape.length === 3 && [1, 3, 4].includes(shape[2]))
      [height, width, channels] = [shape[0], shape[1], shape[2]]
    else if (shape.length === 3 && [1, 3].includes(shape[0])) {
      ;[channels, height, width] = [shape[0], shape[1], shape[2]]
      channelsFirst = true
    } else {
      throw new ShapeError(
        op,
        `shape must be [H,W], [H,W,C] (C in 1,3,4) or [C,H,W] (C in 1,3), got [${shape.join(',')}]`,
        [shape],
      )
    }
  } else {
    if (options.width === undefined || options.height === undefined) {
      throw new InvalidArgumentError(
        op,
        'options',
        `must give width and height for a plain array, got width ${options.width} and height ${options.height}`,
      )
    }
    ;[width, height, channels] = [options.width, options.height, options.channels ?? 1]
    if (![1, 3, 4].includes(channels)) {
      throw new InvalidArgumentError(op, 'channels', `must be 1, 3 or 4, got ${channels}`)
    }
  }
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new ShapeError(op, `width and height must be positive integers, got ${width}x${height}`)
  }
  if (values.length !== width * height * channels) {
    throw new ShapeError(
      op,
      `values must hold width*height*channels = ${width}*${height}*${channels} = ${width * height * channels} numbers, got ${values.length}`,
      [[values.length]],
    )
  }
  if (options.colormap !== undefined) {
    if (channels !== 1) {
      throw new ShapeError(
        op,
        `colormap needs one channel, got ${channels}`,
        shape === undefined ? [] : [shape],
      )
    }
    checkFinite(op, values)
    const [low, high] = resolveRange(op, values, options.range)
    const rgb = new Uint8Array(width * height * 3)
    for (let p = 0; p < values.length; p++) {
      rgb.set(colormapColor(options.colormap, (values[p] - low) / (high - low)), 3 * p)
    }
    return { width, height, channels: 3, data: rgb }
  }
  let bytes = quantize(op, values, options.range)
  if (channelsFirst && channels > 1) {
    const interleaved = new Uint8Array(bytes.length)
    const plane = width * height
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < plane; p++) interleaved[p * channels + c] = bytes[c * plane + p]
    }
    bytes = interleaved
  }
  return { width, height, channels: channels as 1 | 3 | 4, data: bytes }
}

/**
 * Checks that an object is a well-formed {@link Image}.
 *
 * @param op - the calling function, for the message
 * @param image - the value to check
 * @param argument - its name
 * @throws ShapeError when sizes, channels and data length disagree
 */
export function checkImage(op: string, image: Image, argument = 'image'): void {
  if (typeof image !== 'object' || (image as unknown) === null) {
    throw new ShapeError(
      op,
      `${argument} must be an image { width, height, channels, data }, got ${describe(image)}`,
    )
  }
  const { width, height, channels, data } = image
  if (
    !Number.isInteger(width) ||
    width < 1 ||
    !Number.isInteger(height) ||
    height < 1 ||
    ![1, 3, 4].includes(channels)
  ) {
    throw new ShapeError(
      op,
      `${argument} must have positive integer sizes and 1, 3 or 4 channels, got ${width}x${height}x${channels}`,
    )
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    const got = data instanceof Uint8Array ? `${data.length} bytes` : `a ${typeof data}`
    throw new ShapeError(
      op,
      `${argument}.data must be a Uint8Array of ${width * height * channels} bytes, got ${got}`,
    )
  }
}

/**
 * Enlarges an image by an integer factor, nearest neighbour (each pixel becomes a
 * `factor × factor` block): for 28×28 digits and 8×8 lattices that must stay crisp.
 *
 * @param image - the image
 * @param factor - a positive integer
 * @returns a new image `factor` times wider and taller
 * @throws InvalidArgumentError when factor is not a positive integer
 * @example
 * ```ts
 * const digit = { width: 28, height: 28, channels: 1 as const, data: new Uint8Array(28 * 28) }
 * upscale(digit, 4).width // 112: each pixel is now a 4×4 block
 * ```
 */
export function upscale(image: Image, factor: number): Image {
  checkImage('upscale', image)
  if (!Number.isInteger(factor) || factor < 1) {
    throw new InvalidArgumentError('upscale', 'factor', `must be a positive integer, got ${factor}`)
  }
  const { width, height, channels, data } = image
  const w = width * factor
  const bytes = w * height * factor * channels
  if (bytes > 2 ** 30) {
    throw new InvalidArgumentError(
      'upscale',
      'factor',
      `must keep the image within 2^30 bytes, got ${factor}, which makes ${w}×${height * factor}×${channels}`,
    )
  }
  const out = new Uint8Array(bytes)
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor)
    for (let x = 0; x < w; x++) {
      const src = (sy * width + Math.floor(x / factor)) * channels
      const dst = (y * w + x) * channels
      for (let c = 0; c < channels; c++) out[dst + c] = data[src + c]
    }
  }
  return { width: w, height: height * factor, channels, data: out }
}

/**
 * Converts an image to RGB (gray is repeated, alpha is dropped after compositing on white).
 *
 * @param image - the image
 * @returns an RGB image (the same object when it already is one)
 * @throws ShapeError for a malformed image
 * @example
 * ```ts
 * toRgb({ width: 1, height: 1, channels: 1, data: new Uint8Array([7]) }).data // Uint8Array [7, 7, 7]
 * ```
 */
export function toRgb(image: Image): Image {
  checkImage('toRgb', image)
  if (image.channels === 3) return image
  const pixels = image.width * image.height
  const out = new Uint8Array(pixels * 3)
  for (let p = 0; p < pixels; p++) {
    if (image.channels === 1) out.fill(image.data[p], 3 * p, 3 * p + 3)
    else {
      const alpha = image.data[4 * p + 3] / 255
      for (let c = 0; c < 3; c++)
        out[3 * p + c] = Math.round(image.data[4 * p + c] * alpha + 255 * (1 - alpha))
    }
  }
  return { width: image.width, height: image.height, channels: 3, data: out }
}
