// Sample sheets: `count` 28×28 images (pixels in [0, 1], row-major) as one PNG grid.
import { encodePng, imageGrid } from '@gen/viz'

/**
 * A PNG of the first `count` images of `pixels`, `columns` to a row, each tile drawn at 2×.
 *
 * @param pixels - at least count·784 values in [0, 1]
 * @param count - images to draw
 * @param options - columns (default 10), labels under the tiles, range ('0..1' or 'symmetric' for filters)
 */
export function digitSheet(
  pixels: ArrayLike<number>,
  count: number,
  options: { columns?: number; labels?: readonly string[]; range?: '0..1' | 'symmetric' } = {},
): Uint8Array {
  const data = Float32Array.from({ length: count * 784 }, (_, i) => pixels[i])
  return encodePng(
    imageGrid(
      { data, shape: [count, 28, 28] },
      {
        columns: options.columns ?? Math.min(10, count),
        gap: 2,
        scale: 2,
        range: options.range ?? '0..1',
        labels: options.labels,
      },
    ),
  )
}
