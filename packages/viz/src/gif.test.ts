import { describe, expect, test } from 'vitest'
import { InvalidArgumentError, ShapeError } from './errors.js'
import { encodeGif } from './gif.js'
import type { Image } from './image.js'

interface GifFrame {
  left: number
  top: number
  width: number
  height: number
  delay: number
  palette: number[][]
  indices: number[]
}

interface ParsedGif {
  signature: string
  width: number
  height: number
  loopCount: number | undefined
  frames: GifFrame[]
}

// Variable-width LZW as GIF uses it (codes LSB first, clear and end codes, width up to 12 bits).
function lzwDecode(minCodeSize: number, data: Uint8Array): number[] {
  const clear = 1 << minCodeSize
  const end = clear + 1
  let size = minCodeSize + 1
  let table: number[][] = []
  const reset = (): void => {
    table = Array.from({ length: clear }, (_, i) => [i])
    table.push([], [])
    size = minCodeSize + 1
  }
  reset()
  const out: number[] = []
  let previous: number[] | undefined
  let bit = 0
  while (bit + size <= data.length * 8) {
    let code = 0
    for (let i = 0; i < size; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i
    if (code === clear) {
      reset()
      previous = undefined
      continue
    }
    if (code === end) break
    let entry: number[]
    if (code < table.length) entry = table[code]
    else if (code === table.length && previous !== undefined) entry = [...previous, previous[0]]
    else throw new Error(`bad LZW code ${code}`)
    out.push(...entry)
    if (previous !== undefined) {
      table.push([...previous, entry[0]])
      if (table.length === 1 << size && size < 12) size++
    }
    previous = entry
  }
  return out
}

// A small GIF89a reader: enough structure to check what encodeGif wrote, block by block.
function parseGif(bytes: Uint8Array): ParsedGif {
  let p = 0
  const u8 = (): number => bytes[p++]
  const u16 = (): number => bytes[p++] | (bytes[p++] << 8)
  const table = (size: number): number[][] => Array.from({ length: size }, () => [u8(), u8(), u8()])
  const subBlocks = (): Uint8Array => {
    const parts: number[] = []
    for (let n = u8(); n !== 0; n = u8()) for (let i = 0; i < n; i++) parts.push(u8())
    return Uint8Array.from(parts)
  }
  const signature = String.fromCharCode(...bytes.subarray(0, 6))
  p = 6
  const width = u16()
  const height = u16()
  const packed = u8()
  p += 2
  const globalPalette = packed & 0x80 ? table(2 << (packed & 7)) : []
  const frames: GifFrame[] = []
  let loopCount: number | undefined
  let delay = 0
  for (;;) {
    const introducer = u8()
    if (introducer === 0x3b) break
    if (introducer === 0x21) {
      const label = u8()
      const body = subBlocks()
      if (label === 0xf9) delay = body[1] | (body[2] << 8)
      if (label === 0xff && String.fromCharCode(...body.subarray(0, 11)) === 'NETSCAPE2.0') {
        loopCount = body[12] | (body[13] << 8)
      }
      continue
    }
    if (introducer !== 0x2c) throw new Error(`unexpected block 0x${introducer.toString(16)} at ${p - 1}`)
    const left = u16()
    const top = u16()
    const w = u16()
    const h = u16()
    const flags = u8()
    const palette = flags & 0x80 ? table(2 << (flags & 7)) : globalPalette
    const minCodeSize = u8()
    const indices = lzwDecode(minCodeSize, subBlocks())
    frames.push({ left, top, width: w, height: h, delay, palette, indices })
  }
  return { signature, width, height, loopCount, frames }
}

function grayFrame(width: number, height: number, k: number): Image {
  const data = Uint8Array.from({ length: width * height }, (_, i) => (i * 37 + k * 50) % 256)
  return { width, height, channels: 1, data }
}

describe('encodeGif', () => {
  test('gray frames: header, size, loop, delay, frame count, and every pixel decodes back exactly', () => {
    const frames = [0, 1, 2, 3, 4].map((k) => grayFrame(7, 5, k))
    const gif = parseGif(encodeGif(frames, { delayMs: 80 }))
    expect(gif.signature).toBe('GIF89a')
    expect([gif.width, gif.height]).toEqual([7, 5])
    expect(gif.loopCount).toBe(0) // 0 = loop forever
    expect(gif.frames).toHaveLength(5)
    gif.frames.forEach((frame, k) => {
      expect([frame.left, frame.top, frame.width, frame.height]).toEqual([0, 0, 7, 5])
      expect(frame.delay).toBe(8) // hundredths of a second
      expect(frame.palette).toHaveLength(256)
      expect(frame.palette[200]).toEqual([200, 200, 200])
      expect(frame.indices.map((i) => frame.palette[i][0])).toEqual(Array.from(frames[k].data))
    })
  })

  test('loop: false plays once (no NETSCAPE block); the file ends with the trailer byte', () => {
    const bytes = encodeGif([grayFrame(2, 2, 0)], { loop: false })
    expect(parseGif(bytes).loopCount).toBeUndefined()
    expect(bytes[bytes.length - 1]).toBe(0x3b)
  })

  test('colour frames with few colours come back with their colours', () => {
    const colours = [
      [255, 0, 0],
      [0, 128, 255],
      [20, 200, 40],
    ]
    const data = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => colours[Math.floor(i / 3) % 3][i % 3])
    const frame: Image = { width: 4, height: 3, channels: 3, data }
    const gif = parseGif(encodeGif([frame, frame]))
    expect(gif.frames).toHaveLength(2)
    for (const f of gif.frames) {
      const rgb = f.indices.flatMap((i) => f.palette[i])
      // quantization may move a colour by a few levels, never more
      rgb.forEach((v, i) => expect(Math.abs(v - data[i])).toBeLessThanOrEqual(4))
    }
  })

  test('no frames, frames of different sizes and a bad delay throw', () => {
    expect(() => encodeGif([])).toThrow(ShapeError)
    expect(() => encodeGif([grayFrame(2, 2, 0), grayFrame(3, 2, 0)])).toThrow(
      'encodeGif: frames must all be 2x2, got 3x2 at index 1',
    )
    expect(() => encodeGif([grayFrame(2, 2, 0)], { delayMs: -5 })).toThrow(InvalidArgumentError)
  })
})
