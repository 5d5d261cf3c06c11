import { InvalidArgumentError } from '@gen/core-tensor'

/** Name of a built-in glyph: a letter drawn on a 10×10 grid. */
export type GlyphName = 'A' | 'E' | 'H' | 'L' | 'O' | 'T' | 'X' | 'Z'

// Hand-drawn 10×10 letters: '#' is +1 (ink), '.' is −1 (paper).
const GLYPH_ART: Readonly<Record<GlyphName, readonly string[]>> = {
  A: [
    '....##....',
    '...#..#...',
    '..#....#..',
    '.#......#.',
    '.#......#.',
    '.########.',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '..........',
  ],
  E: [
    '.#######..',
    '.#........',
    '.#........',
    '.#........',
    '.######...',
    '.#........',
    '.#........',
    '.#........',
    '.#######..',
    '..........',
  ],
  H: [
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '.########.',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '..........',
  ],
  L: [
    '.#........',
    '.#........',
    '.#........',
    '.#........',
    '.#........',
    '.#........',
    '.#........',
    '.#........',
    '.#######..',
    '..........',
  ],
  O: [
    '...####...',
    '..#....#..',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '.#......#.',
    '..#....#..',
    '...####...',
    '..........',
  ],
  T: [
    '.#######..',
    '....#.....',
    '....#.....',
    '....#.....',
    '....#.....',
    '....#.....',
    '....#.....',
    '....#.....',
    '....#.....',
    '..........',
  ],
  X: [
    '.#......#.',
    '..#....#..',
    '...#..#...',
    '....##....',
    '....##....',
    '...#..#...',
    '..#....#..',
    '.#......#.',
    '#........#',
    '..........',
  ],
  Z: [
    '########..',
    '......#...',
    '.....#....',
    '....#.....',
    '...#......',
    '..#.......',
    '.#........',
    '#.........',
    '########..',
    '..........',
  ],
}

/** Names of the built-in glyphs, in a fixed order. */
export const glyphNames: readonly GlyphName[] = Object.keys(GLYPH_ART) as GlyphName[]

/** Side of a glyph image: glyphs are 10×10, so N = 100. */
export const glyphSize = 10

/**
 * A hand-drawn letter as a 10×10 ±1 image, row-major (ink +1, paper −1). The letters overlap
 * strongly (m ≈ 0.5 between pairs), which is what Hebbian storage handles badly and the
 * pseudo-inverse rule handles exactly.
 *
 * Shape: length 100 = 10 rows × 10 columns.
 *
 * @param name - one of {@link glyphNames}: A, E, H, L, O, T, X, Z
 * @returns a new Int8Array of length 100
 * @throws InvalidArgumentError for an unknown name
 * @example
 * ```ts
 * const a = glyph('A')
 * ```
 */
export function glyph(name: GlyphName): Int8Array {
  if (!Object.prototype.hasOwnProperty.call(GLYPH_ART, name)) {
    throw new InvalidArgumentError(
      'glyph',
      'name',
      `must be one of ${glyphNames.join(', ')}, got ${String(name)}`,
    )
  }
  const rows = GLYPH_ART[name]
  const out = new Int8Array(glyphSize * glyphSize)
  for (let r = 0; r < glyphSize; r++) {
    for (let c = 0; c < glyphSize; c++) out[r * glyphSize + c] = rows[r][c] === '#' ? 1 : -1
  }
  return out
}

/**
 * All built-in glyphs (or the named ones) as a list of patterns.
 *
 * @param names - glyph names, all of {@link glyphNames} by default
 * @returns one Int8Array of length 100 per name
 * @throws InvalidArgumentError for an unknown name
 * @example
 * ```ts
 * const net = pseudoInverseNetwork(glyphPatterns(['A', 'E', 'H', 'T']))
 * ```
 */
export function glyphPatterns(names: readonly GlyphName[] = glyphNames): Int8Array[] {
  return names.map((name) => glyph(name))
}

/**
 * Draws a ±1 image as text, one line per row, for quick looks in a terminal.
 *
 * @param pattern - a ±1 image, row-major
 * @param width - image width; the length must be a multiple of it
 * @returns lines of '#' (+1) and '.' (−1) joined by newlines
 * @throws InvalidArgumentError when the width does not divide the length
 * @example
 * ```ts
 * console.log(renderPattern(glyph('A'), 10))
 * ```
 */
export function renderPattern(pattern: ArrayLike<number>, width: number): string {
  if (!Number.isSafeInteger(width) || width < 1 || pattern.length % width !== 0) {
    throw new InvalidArgumentError(
      'renderPattern',
      'width',
      `must be a positive divisor of the length ${pattern.length}, got ${String(width)}`,
    )
  }
  const lines: string[] = []
  for (let r = 0; r < pattern.length / width; r++) {
    let line = ''
    for (let c = 0; c < width; c++) line += pattern[r * width + c] > 0 ? '#' : '.'
    lines.push(line)
  }
  return lines.join('\n')
}
