/**
 * @packageDocumentation
 * PNG encoding, image grids, SVG plots and self-contained HTML reports for gen models.
 */

/** The npm name of this package. */
export const packageName = '@gen/viz'
