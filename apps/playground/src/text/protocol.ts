/** The messages between the text page and its worker (training and sampling both run there). */

/** Page → worker. */
export type ToTextWorker =
  | { readonly type: 'train'; readonly steps: number; readonly seed: number }
  | {
      readonly type: 'sample'
      readonly numSteps: number
      readonly numSamples: number
      readonly remasking: 'random' | 'low-confidence'
      readonly seed: number
    }

/** One sampled sentence: its words (the padding cut at the first end token), and validity. */
export interface SampledSentence {
  /** The L tokens as words (`<eos>` for the end token). */
  readonly tokens: readonly string[]
  /** The sentence up to the first `<eos>`. */
  readonly text: string
  /** True when the grammar accepts it. */
  readonly valid: boolean
  /** The step (0 … K−1) at which each position was committed. */
  readonly committedAt: readonly number[]
}

/** Worker → page. */
export type FromTextWorker =
  | { readonly type: 'progress'; readonly step: number; readonly loss: number; readonly seconds: number }
  | { readonly type: 'trained'; readonly steps: number; readonly seconds: number; readonly loss: number }
  | {
      readonly type: 'samples'
      readonly numSteps: number
      readonly length: number
      /** Forward passes of the model (K). */
      readonly modelCalls: number
      readonly milliseconds: number
      readonly sentences: readonly SampledSentence[]
    }
  | { readonly type: 'error'; readonly message: string }
