// Synchronous recall of many probes at once: the fields of the whole batch are one matrix
// product H = S Wᵀ on a core-tensor backend (the cpu backend's SIMD matmul), which is several
// times faster than one matrix-vector loop per probe. Signs that float32 cannot decide are
// settled exactly in float64, so the result equals `recall(..., { dynamics: 'synchronous' })`.
import {
  InvalidArgumentError,
  cpu,
  fromArray,
  matmul,
  tidy,
  transpose,
  type BackendV1,
} from '@gen/core-tensor'
import { checkPositiveInteger, toSpins, type SpinLike } from './internal/validate'
import type { HopfieldNetwork } from './network'

/** Options of {@link synchronousRecallBatch}. */
export interface BatchRecallOptions {
  /** Most synchronous steps per probe; default 100. */
  maxSteps?: number
  /** Backend of the matrix products; default the float32 `cpu` backend. */
  backend?: BackendV1
}

/** How one probe's synchronous recall ended. */
export type BatchRecallOutcome = 'fixed-point' | 'cycle' | 'max-steps'

/** Result of {@link synchronousRecallBatch}, one entry per probe. */
export interface BatchRecallResult {
  /** Final states, ±1, length N each. */
  states: Int8Array[]
  /** Steps run for each probe until its state repeated (or maxSteps). */
  steps: number[]
  /**
   * `'fixed-point'` when s(t) = s(t−1); `'cycle'` when s(t) = s(t−2) ≠ s(t−1), the period-2 cycle
   * that symmetric weights allow under synchronous updates; `'max-steps'` otherwise.
   */
  outcomes: BatchRecallOutcome[]
}

const sameSpins = (a: Int8Array, b: Int8Array): boolean => a.every((v, i) => v === b[i])

/**
 * Synchronous recall of a batch of probes, s ← sign(W s − θ) for every unit of every probe at
 * once (a zero field keeps the old value), until each probe reaches a fixed point or a 2-cycle.
 * With symmetric W these are the only attractors of synchronous dynamics (Goles et al. 1985).
 *
 * Shapes: probes B × N; each step computes H = S Wᵀ, [B, N], as one matmul on `backend`.
 * A field within 1e-5 · Σ_j |W_ij| of zero is recomputed in float64, so float32 rounding never
 * flips a sign and the states equal those of {@link recall} with `dynamics: 'synchronous'`.
 *
 * @param network - the network (not modified)
 * @param probes - B ≥ 1 initial ±1 states, each of length N
 * @param options - maxSteps (default 100), backend (default cpu)
 * @returns final states, steps and outcome per probe
 * @throws InvalidArgumentError on an empty batch, a probe of the wrong length or non-±1 values, or a bad maxSteps
 * @example
 * ```ts
 * const net = storeHebbian(createNetwork(100), randomPatterns(key(0), 10, 100))
 * const { states, outcomes } = await synchronousRecallBatch(net, probes)
 * ```
 * @see Hopfield (1982), PNAS 79, 2554; Little (1974), Math. Biosci. 19, 101.
 */
export async function synchronousRecallBatch(
  network: HopfieldNetwork,
  probes: readonly SpinLike[],
  options: BatchRecallOptions = {},
): Promise<BatchRecallResult> {
  const op = 'synchronousRecallBatch'
  if (probes.length === 0)
    throw new InvalidArgumentError(op, 'probes', 'must hold at least one probe, got none')
  const maxSteps = options.maxSteps ?? 100
  checkPositiveInteger(op, 'maxSteps', maxSteps)
  const n = network.size
  const batch = probes.length
  const states = probes.map((p, b) => toSpins(op, `probes[${b}]`, p, n))
  const backend = options.backend ?? cpu
  const w = network.weights
  const rowScale = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < n; j++) s += Math.abs(w[i * n + j])
    rowScale[i] = 1e-5 * s
  }
  const weightsT = fromArray(Float32Array.from(w), { shape: [n, n], backend, dtype: 'float32' })
  const steps = new Array<number>(batch).fill(0)
  const outcomes = new Array<BatchRecallOutcome>(batch).fill('max-steps')
  const previous: (Int8Array | null)[] = new Array<Int8Array | null>(batch).fill(null)
  let active = states.map((_, b) => b)
  try {
    for (let t = 1; t <= maxSteps && active.length > 0; t++) {
      const s = new Float32Array(active.length * n)
      active.forEach((b, r) => s.set(states[b], r * n))
      const product = tidy(() =>
        matmul(fromArray(s, { shape: [active.length, n], backend, dtype: 'float32' }), transpose(weightsT)),
      )
      const fields = await product.data()
      product.dispose()
      const still: number[] = []
      active.forEach((b, r) => {
        const old = states[b]
        const next = new Int8Array(n)
        for (let i = 0; i < n; i++) {
          let h = fields[r * n + i] - network.thresholds[i]
          if (Math.abs(h) <= rowScale[i]) {
            h = -network.thresholds[i]
            for (let j = 0; j < n; j++) h += w[i * n + j] * old[j]
          }
          next[i] = h > 0 ? 1 : h < 0 ? -1 : old[i]
        }
        steps[b] = t
        const before = previous[b]
        previous[b] = old
        states[b] = next
        if (sameSpins(next, old)) outcomes[b] = 'fixed-point'
        else if (before !== null && sameSpins(next, before)) outcomes[b] = 'cycle'
        else still.push(b)
      })
      active = still
    }
  } finally {
    weightsT.dispose()
  }
  return { states, steps, outcomes }
}
