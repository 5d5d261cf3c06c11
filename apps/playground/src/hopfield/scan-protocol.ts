/** The messages between the Hopfield page and its capacity-scan worker. */

/** Page → worker: the loads to scan and how. */
export interface ScanRequest {
  /** Units N. */
  readonly size: number
  /** Loads α = P/N, in order. */
  readonly alphas: readonly number[]
  /** Fraction of the probe's bits flipped. */
  readonly noise: number
  /** Networks per load. */
  readonly trials: number
  readonly seed: number
}

/** Worker → page, one per load. */
export interface ScanPoint {
  readonly alpha: number
  /** Mean final overlap with the stored pattern. */
  readonly overlap: number
  /** True on the last load. */
  readonly done: boolean
}
