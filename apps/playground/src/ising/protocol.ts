/** The messages between the Ising page and its simulation worker (`sim-worker.ts`). */

/** The update rule: single-spin Metropolis or heat bath (Glauber), or Wolff clusters. */
export type IsingAlgorithm = 'metropolis' | 'heatbath' | 'wolff'

/** What the user sets. */
export interface IsingParams {
  /** Side L of the periodic L×L square lattice (even). */
  readonly size: number
  /** Temperature T > 0, in units of J/k_B. */
  readonly temperature: number
  /** External field h. */
  readonly field: number
  readonly algorithm: IsingAlgorithm
}

/** Page → worker. */
export type ToWorker =
  | { readonly type: 'params'; readonly params: IsingParams }
  | { readonly type: 'reset'; readonly start: 'up' | 'random'; readonly seed: number }
  | { readonly type: 'step'; readonly sweeps: number }

/** One frame: the spins after `sweeps` more sweeps, and their energy and magnetisation. */
export interface IsingFrame {
  /** ±1 per site, row-major `y·L + x`. */
  readonly spins: Int8Array | Float32Array
  /** E/N, with E = −J Σ_⟨ij⟩ s_i s_j − h Σ s_i. */
  readonly energy: number
  /** M/N. */
  readonly magnetisation: number
  /** Sweeps done since the last reset. */
  readonly sweeps: number
}

/** Worker → page. */
export type FromWorker =
  | { readonly type: 'frame'; readonly frame: IsingFrame }
  | { readonly type: 'error'; readonly message: string }
