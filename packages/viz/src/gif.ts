// gifenc ships no types. Referencing the declarations here (not only listing them in tsconfig)
// lets packages that typecheck viz from source, through the @gen/source condition, see them too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./internal/gifenc.d.ts" />
/**
 * Animated GIFs of image sequences (diffusion steps, an Ising quench) through gifenc.
 * Gray frames use an exact 256-level gray palette, so no pixel changes; colour frames are
 * quantised to 256 colours per frame.
 */
import * as gifencModule from 'gifenc'
import { InvalidArgumentError, ShapeError } from './errors.js'
import { checkImage, toRgb, type Image } from './image.js'

// gifenc 1.0.3 ships CommonJS for Node (`main`, no `exports`) and ESM for bundlers (`module`).
// Node's ESM loader puts the CommonJS exports object under `default`; bundlers and CommonJS
// transpilers give the named exports directly (and `default` is then the GIFEncoder function).
// Take whichever object carries the named functions.
type GifencApi = Pick<typeof gifencModule, 'GIFEncoder' | 'quantize' | 'applyPalette'>
const gifenc: GifencApi =
  [gifencModule as unknown, (gifencModule as { default?: unknown }).default].find(
    (candidate): candidate is GifencApi =>
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof (candidate as Partial<GifencApi>).GIFEncoder === 'function',
  ) ?? gifencModule

/** Options of {@link encodeGif}. */
export interface GifOptions {
  /** Milliseconds per frame (default 100; GIF stores hundredths of a second). */
  delayMs?: number
  /** Loop forever (default true) or play once. */
  loop?: boolean
}

/**
 * Encodes frames of equal size as an animated GIF.
 *
 * @param frames - images of one size (gray, RGB or RGBA; alpha is composited on white)
 * @param options - `delayMs`, `loop`
 * @returns the GIF file's bytes
 * @throws ShapeError when there are no frames or they differ in size
 * @throws InvalidArgumentError for a negative delay
 * @example
 * ```ts
 * // ten frames of a gray ramp sliding right, 80 ms each, looping
 * const frames = Array.from({ length: 10 }, (_, k) =>
 *   toImage({ shape: [16, 16], data: Array.from({ length: 256 }, (_, i) => ((i + k) % 16) / 15) }, { range: '0..1' }),
 * )
 * const gif = encodeGif(frames, { delayMs: 80 })
 * String.fromCharCode(...gif.subarray(0, 6)) // 'GIF89a'
 * ```
 */
export function encodeGif(frames: readonly Image[], options: GifOptions = {}): Uint8Array {
  const op = 'encodeGif'
  if (frames.length === 0) throw new ShapeError(op, 'frames must hold at least one image, got 0')
  frames.forEach((f, i) => checkImage(op, f, `frames[${i}]`))
  const { width, height } = frames[0]
  frames.forEach((f, i) => {
    if (f.width !== width || f.height !== height) {
      throw new ShapeError(
        op,
        `frames must all be ${width}x${height}, got ${f.width}x${f.height} at index ${i}`,
      )
    }
  })
  const delay = options.delayMs ?? 100
  if (!(delay >= 0 && Number.isFinite(delay)))
    throw new InvalidArgumentError(op, 'delayMs', `must be a finite number >= 0, got ${delay}`)
  const repeat = options.loop === false ? -1 : 0
  const encoder = gifenc.GIFEncoder()
  const gray = frames.every((f) => f.channels === 1)
  const grayPalette = Array.from({ length: 256 }, (_, v) => [v, v, v])
  frames.forEach((frame, i) => {
    if (gray) {
      encoder.writeFrame(frame.data, width, height, { palette: grayPalette, delay, repeat, first: i === 0 })
      return
    }
    const rgb = toRgb(frame)
    // gifenc reads the RGBA bytes through `.buffer`, so give it a fresh, exactly sized array.
    const rgba = new Uint8Array(width * height * 4)
    for (let p = 0; p < width * height; p++) {
      rgba[4 * p] = rgb.data[3 * p]
      rgba[4 * p + 1] = rgb.data[3 * p + 1]
      rgba[4 * p + 2] = rgb.data[3 * p + 2]
      rgba[4 * p + 3] = 255
    }
    const palette = gifenc.quantize(rgba, 256)
    encoder.writeFrame(gifenc.applyPalette(rgba, palette), width, height, {
      palette,
      delay,
      repeat,
      first: i === 0,
    })
  })
  encoder.finish()
  return encoder.bytes()
}
