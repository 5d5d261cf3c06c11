/**
 * The pen-stroke sample digits (`DIGIT_STROKES`, the Hopfield and CNN pages' digits) as
 * MNIST-style 28 × 28 images: drawn with a round pen on a 280² canvas, then scaled into a
 * 20 × 20 box and centred by mass (`toMnist`), as MNIST's test digits were prepared.
 */
import { DIGIT_STROKES } from '../hopfield/digits.ts'
import { toMnist } from './preprocess.ts'

/** Side of the drawing canvas and the pen width, as the CNN page's pad draws them. */
const PAD = 280
const PEN = 22

/**
 * Sample digit `d` as 784 ink values in [0, 1] (1 black), row-major.
 *
 * @param d - the digit, 0 … 9
 * @returns the 28 × 28 image
 * @throws RangeError for a digit outside 0 … 9
 */
export function strokeDigit(d: number): Float32Array {
  const strokes = DIGIT_STROKES[d]
  if (strokes === undefined) throw new RangeError(`strokeDigit: d must be 0 … 9, got ${d}`)
  const canvas = document.createElement('canvas')
  canvas.width = PAD
  canvas.height = PAD
  const g = canvas.getContext('2d', { willReadFrequently: true })!
  g.fillStyle = '#fff'
  g.fillRect(0, 0, PAD, PAD)
  g.lineCap = 'round'
  g.lineJoin = 'round'
  g.strokeStyle = '#000'
  g.lineWidth = PEN
  g.beginPath()
  for (const line of strokes) {
    line.forEach(([x, y], k) => {
      if (k === 0) g.moveTo(x * PAD, y * PAD)
      else g.lineTo(x * PAD, y * PAD)
    })
  }
  g.stroke()
  const rgba = g.getImageData(0, 0, PAD, PAD).data
  const ink = Float32Array.from({ length: PAD * PAD }, (_, i) => 1 - rgba[4 * i] / 255)
  return toMnist({ side: PAD, ink })!
}
