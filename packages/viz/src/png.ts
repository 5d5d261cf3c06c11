/**
 * PNG encode and decode through fast-png (pure JavaScript: Node and browsers alike).
 */
import { convertIndexedToRgb, decode, encode } from 'fast-png'
import { InvalidArgumentError } from './errors.js'
import { checkImage, toImage, type Image, type NumericInput, type ToImageOptions } from './image.js'

/**
 * Encodes an 8-bit image as PNG (gray, RGB or RGBA; no filtering choices to make).
 *
 * @param image - the image, or numbers with {@link ToImageOptions} (`range` required) to convert first
 * @param options - conversion options when `image` is numbers or a tensor-like
 * @returns the PNG file's bytes
 * @throws ShapeError for a malformed image
 * @example
 * ```ts
 * const png = encodePng(toImage(digit, { width: 28, height: 28, range: '0..1' }))
 * const same = encodePng(digit, { width: 28, height: 28, range: '0..1' })
 * ```
 */
export function encodePng(image: Image | NumericInput, options?: ToImageOptions): Uint8Array {
  const img = options === undefined ? (image as Image) : toImage(image as NumericInput, options)
  checkImage('encodePng', img)
  return encode({ width: img.width, height: img.height, data: img.data, channels: img.channels, depth: 8 })
}

/**
 * Decodes a PNG into an 8-bit image. Palette images become RGB (RGBA with transparency),
 * 16-bit samples keep their high byte, and 1/2/4-bit gray is scaled to 0..255.
 *
 * @param bytes - the PNG file's bytes
 * @returns the image
 * @throws InvalidArgumentError when the bytes are not a PNG (fast-png's reason attached)
 * @example
 * ```ts
 * const { width, height, data } = decodePng(encodePng(image)) // the same pixels
 * ```
 */
export function decodePng(bytes: Uint8Array): Image {
  let png: ReturnType<typeof decode>
  try {
    png = decode(bytes)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new InvalidArgumentError('decodePng', 'bytes', `must be a PNG file, got an error: ${reason}`, {
      cause: error,
    })
  }
  let data: Uint8Array
  let channels = png.channels
  if (png.palette !== undefined) {
    const rgb = convertIndexedToRgb(png)
    data = rgb instanceof Uint8Array ? rgb : Uint8Array.from(rgb)
    channels = data.length / (png.width * png.height)
  } else if (png.depth === 16) {
    data = new Uint8Array(png.data.length)
    for (let i = 0; i < data.length; i++) data[i] = png.data[i] >> 8
  } else if (png.depth < 8) {
    const scale = 255 / ((1 << png.depth) - 1)
    data = Uint8Array.from(png.data, (v) => Math.round(v * scale))
  } else data = png.data instanceof Uint8Array ? png.data : Uint8Array.from(png.data)
  if (channels === 2) {
    // Gray + alpha: composite on white, the way the image would show on a page.
    const out = new Uint8Array(png.width * png.height)
    for (let p = 0; p < out.length; p++) {
      const alpha = data[2 * p + 1] / 255
      out[p] = Math.round(data[2 * p] * alpha + 255 * (1 - alpha))
    }
    return { width: png.width, height: png.height, channels: 1, data: out }
  }
  return { width: png.width, height: png.height, channels: channels as 1 | 3 | 4, data }
}
