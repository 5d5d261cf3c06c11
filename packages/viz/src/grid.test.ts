import { describe, expect, test } from 'vitest'
import { InvalidArgumentError, ShapeError } from './errors.js'
import { imageGrid } from './grid.js'
import type { Image } from './image.js'

function tile(value: number, width = 28, height = 28): Image {
  return { width, height, channels: 1, data: new Uint8Array(width * height).fill(value) }
}

const at = (image: Image, x: number, y: number): number => image.data[(y * image.width + x) * image.channels]

describe('imageGrid (case H8)', () => {
  const grid = imageGrid([tile(10), tile(20), tile(30), tile(40)], { columns: 2, gap: 2, border: 0 })

  test('4 tiles of 28x28, 2 columns, gap 2, no border: a 58x58 image', () => {
    expect([grid.width, grid.height, grid.channels]).toEqual([58, 58, 1])
  })

  test('tile 1 starts at x = 30, y = 0; the gap columns 28..29 are background', () => {
    expect(at(grid, 30, 0)).toBe(20)
    expect(at(grid, 29, 0)).toBe(128)
    expect(at(grid, 28, 27)).toBe(128)
    expect(at(grid, 27, 27)).toBe(10)
    expect(at(grid, 57, 27)).toBe(20)
  })

  test('tile 2 starts at (0, 30) and tile 3 at (30, 30)', () => {
    expect(at(grid, 0, 29)).toBe(128)
    expect(at(grid, 0, 30)).toBe(30)
    expect(at(grid, 30, 30)).toBe(40)
    expect(at(grid, 57, 57)).toBe(40)
  })
})

describe('imageGrid layout', () => {
  test('a border surrounds the grid, and an incomplete last row leaves background', () => {
    const grid = imageGrid([tile(1, 4, 3), tile(2, 4, 3), tile(3, 4, 3)], {
      columns: 2,
      gap: 1,
      border: 3,
      background: 0,
    })
    // width 2*3 + 2*4 + 1 = 15, height 2*3 + 2*3 + 1 = 13
    expect([grid.width, grid.height]).toEqual([15, 13])
    expect(at(grid, 2, 3)).toBe(0)
    expect(at(grid, 3, 3)).toBe(1)
    expect(at(grid, 8, 3)).toBe(2)
    expect(at(grid, 3, 7)).toBe(3)
    expect(at(grid, 8, 7)).toBe(0)
  })

  test('default columns are ceil(sqrt(n)) and default gap is 2', () => {
    const grid = imageGrid(Array.from({ length: 5 }, () => tile(9, 2, 2)))
    // 3 columns, 2 rows: 3*2 + 2*2 = 10 wide, 2*2 + 2 = 6 tall
    expect([grid.width, grid.height]).toEqual([10, 6])
  })

  test('scale upscales every tile before placing it', () => {
    const grid = imageGrid([tile(5, 2, 2), tile(6, 2, 2)], { columns: 2, gap: 1, scale: 3 })
    expect([grid.width, grid.height]).toEqual([13, 6])
    expect(at(grid, 5, 5)).toBe(5)
    expect(at(grid, 6, 0)).toBe(128)
    expect(at(grid, 7, 0)).toBe(6)
  })

  test('labels take a strip of 7*labelScale + 2 rows under each tile and draw ink in it', () => {
    const grid = imageGrid([tile(0, 12, 4), tile(0, 12, 4)], {
      columns: 2,
      gap: 0,
      labels: ['1', 'I'],
      background: 255,
    })
    expect([grid.width, grid.height]).toEqual([24, 4 + 9])
    // The strip starts at y = 4; glyphs are drawn from y = 5, in black on the white background.
    const strip = Array.from({ length: 9 }, (_, dy) =>
      Array.from({ length: 24 }, (_, x) => at(grid, x, 4 + dy)),
    )
    expect(strip[0].every((v) => v === 255)).toBe(true)
    expect(strip.flat().filter((v) => v === 0).length).toBeGreaterThan(10)
    // '1' at column 2 of its glyph: a vertical stroke at x = 2 in rows 1..7 of the glyph.
    expect([1, 2, 3, 4, 5, 6].map((dy) => at(grid, 2, 5 + dy))).toEqual([0, 0, 0, 0, 0, 0])
  })

  test('a label wider than its tile is clipped to the tile', () => {
    const grid = imageGrid([tile(255, 6, 2), tile(255, 6, 2)], {
      columns: 2,
      gap: 0,
      labels: ['WWWW', ''],
      background: 255,
    })
    for (let y = 2; y < grid.height; y++) for (let x = 6; x < 12; x++) expect(at(grid, x, y)).toBe(255)
  })

  test('gray and RGB tiles together give an RGB grid', () => {
    const rgb: Image = { width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) }
    const grid = imageGrid([tile(7, 1, 1), rgb], { columns: 2, gap: 1 })
    expect(grid.channels).toBe(3)
    expect(Array.from(grid.data)).toEqual([7, 7, 7, 128, 128, 128, 1, 2, 3])
  })

  test('a batch [N, H, W] is split into tiles with its range', () => {
    const batch = { shape: [2, 1, 2], dataSync: () => new Float32Array([0, 1, 0.5, 0.25]) }
    const grid = imageGrid(batch, { range: '0..1', columns: 2, gap: 1 })
    expect(Array.from(grid.data)).toEqual([0, 255, 128, 128, 64])
  })

  test('a NaN inside a batch names the tile and the index inside it', () => {
    const batch = { shape: [2, 1, 2], data: [0, 1, 0.5, Number.NaN] }
    expect(() => imageGrid(batch, { range: '0..1' })).toThrow(
      'imageGrid: tiles must be finite numbers, got NaN at index 1 of tile 1',
    )
  })
})

describe('imageGrid errors', () => {
  test('tiles of different sizes throw a ShapeError naming the tile', () => {
    expect(() => imageGrid([tile(0), tile(0, 14, 14)])).toThrow(ShapeError)
    expect(() => imageGrid([tile(0), tile(0, 14, 14)])).toThrow(
      'imageGrid: tiles must all be 28x28, got 14x14 at index 1',
    )
  })

  test('bad layout numbers, label counts and a batch without range throw InvalidArgumentError', () => {
    expect(() => imageGrid([tile(0)], { columns: 0 })).toThrow(
      'imageGrid: columns must be an integer >= 1, got 0',
    )
    expect(() => imageGrid([tile(0)], { gap: -1 })).toThrow(InvalidArgumentError)
    expect(() => imageGrid([tile(0)], { labels: ['a', 'b'] })).toThrow(
      /labels must hold one label per tile \(1\), got 2/,
    )
    expect(() => imageGrid({ shape: [1, 2, 2], data: [0, 0, 0, 0] })).toThrow(/range must be given/)
    expect(() => imageGrid([])).toThrow('imageGrid: tiles must hold at least one image, got 0')
  })
})
