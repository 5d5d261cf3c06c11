/**
 * @packageDocumentation
 * PNG encoding, image grids, SVG plots and self-contained HTML reports for gen models.
 * This entry runs in browsers and Node; writing files lives in `@gen/viz/node`.
 */

/** The npm name of this package. */
export const packageName = '@gen/viz'

export { InvalidArgumentError, ShapeError, VizError } from './errors.js'
export type { VizErrorCode } from './errors.js'
export { toImage, toPixels, toRgb, upscale } from './image.js'
export type { Image, NumericInput, ShapedArray, TensorLike, ToImageOptions, ValueRange } from './image.js'
export { colormapColor, colormapCss } from './colormap.js'
export type { ColormapName } from './colormap.js'
export { decodePng, encodePng } from './png.js'
export { imageGrid } from './grid.js'
export type { GridOptions, TileBatch } from './grid.js'
export { encodeGif } from './gif.js'
export type { GifOptions } from './gif.js'
export { niceTicks } from './plot/axes.js'
export type { LegendPosition, PlotOptions } from './plot/axes.js'
export { linePlot } from './plot/line-plot.js'
export type { CurveOverlay, LinePlotOptions, LineSeries } from './plot/line-plot.js'
export { scatterPlot } from './plot/scatter-plot.js'
export type { ScatterData, ScatterPlotOptions } from './plot/scatter-plot.js'
export { heatmapPlot, histogram2d, histogram2dPlot } from './plot/heatmap.js'
export type {
  HeatmapPlotOptions,
  Histogram2d,
  Histogram2dOptions,
  Histogram2dPlotOptions,
} from './plot/heatmap.js'
export { renderReport } from './report.js'
export type {
  ImageBlock,
  Report,
  ReportBlock,
  ReportSection,
  SvgBlock,
  TableBlock,
  TextBlock,
} from './report.js'
