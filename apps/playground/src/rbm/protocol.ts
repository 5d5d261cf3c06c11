/** The messages between the RBM page and its sampling worker. */

/** Page → worker. */
export type ToRbmWorker =
  /** Load the weights from `url` and start `chains` chains from Bernoulli(½) noise. */
  | { readonly type: 'start'; readonly url: string; readonly chains: number; readonly seed: number }
  /** Run `steps` more block-Gibbs steps and post the chains. */
  | { readonly type: 'step'; readonly steps: number }

/** Worker → page. */
export type FromRbmWorker =
  | {
      readonly type: 'loaded'
      readonly numVisible: number
      readonly numHidden: number
      /** The first `filters` hidden units' weight columns, [filters, V] row-major. */
      readonly filters: Float32Array
      readonly filterCount: number
    }
  | {
      readonly type: 'chains'
      /** p(v = 1 | h) of the last step for every chain, [chains, V] (the grey picture of the sample). */
      readonly probabilities: Float32Array
      readonly steps: number
      readonly milliseconds: number
    }
  | { readonly type: 'error'; readonly message: string }
