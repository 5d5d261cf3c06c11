/** The messages between the flow page and its training worker. */
import type { ToyName } from './toy-data.ts'

/** Page → worker: train a fresh velocity net on a toy set. */
export interface TrainRequest {
  readonly type: 'train'
  readonly dataset: ToyName
  /** Adam updates. */
  readonly steps: number
  readonly seed: number
  /** Post the EMA weights every this many steps, so the page can sample while it trains. */
  readonly snapshotEvery: number
}

/** Worker → page. */
export type FromFlowWorker =
  | {
      readonly type: 'progress'
      readonly step: number
      readonly loss: number
      readonly examplesPerSecond: number
      readonly elapsedSeconds: number
    }
  /** The EMA weights as a @gen/diffusion denoiser file (`encodeDenoiser`); `final` at the end. */
  | { readonly type: 'weights'; readonly step: number; readonly bytes: Uint8Array; readonly final: boolean }
  | { readonly type: 'error'; readonly message: string }
