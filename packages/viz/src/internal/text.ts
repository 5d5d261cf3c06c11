import { FONT_HEIGHT, FONT_WIDTH, font } from './font.js'

/** Width in pixels of `text` drawn at `scale`: 5 columns per glyph, 1 column between glyphs. */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (FONT_WIDTH + 1) - 1) * scale
}

/** Height in pixels of one line at `scale`. */
export function textHeight(scale: number): number {
  return FONT_HEIGHT * scale
}

/**
 * Draws `text` with its top-left corner at (x, y) into interleaved pixels; unknown characters
 * draw as '?'. Pixels outside the image, or past `maxWidth` from x, are skipped.
 */
export function drawText(
  target: { width: number; height: number; channels: number; data: Uint8Array },
  text: string,
  at: { x: number; y: number; scale: number; color: readonly number[]; maxWidth?: number },
): void {
  const { x, y, scale, color } = at
  // Labels stay inside their tile: ink past maxWidth would spill into the neighbour.
  const right = at.maxWidth === undefined ? target.width : Math.min(target.width, x + at.maxWidth)
  const upper = text.toUpperCase()
  for (let n = 0; n < upper.length; n++) {
    const bitmap = (font[upper[n]] as string | undefined) ?? font['?']
    const left = x + n * (FONT_WIDTH + 1) * scale
    for (let row = 0; row < FONT_HEIGHT * scale; row++) {
      for (let col = 0; col < FONT_WIDTH * scale; col++) {
        if (bitmap[Math.floor(row / scale) * FONT_WIDTH + Math.floor(col / scale)] !== '#') continue
        const px = left + col
        const py = y + row
        if (px < 0 || py < 0 || px >= right || py >= target.height) continue
        const at = (py * target.width + px) * target.channels
        for (let c = 0; c < target.channels; c++) target.data[at + c] = color[c] ?? 255
      }
    }
  }
}
