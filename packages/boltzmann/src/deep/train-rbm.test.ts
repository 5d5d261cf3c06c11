import { fold, key, permutation, reference, uniformFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import {
  initRbm,
  rbmContrastiveDivergence,
  rbmFreeEnergy,
  rbmGradientStep,
  rbmHiddenProbabilities,
  rbmLogLikelihood,
  rbmPseudoLikelihood,
} from '../rbm'
import { trainRbm, type RbmEpochProgress } from './train-rbm'

// four 6-bit patterns, each repeated 4 times: [16, 6]; the best RBM has ln p = ln ¼ per row
const patterns = [
  [1, 1, 1, 0, 0, 0],
  [0, 0, 0, 1, 1, 1],
  [1, 0, 1, 0, 1, 0],
  [0, 1, 0, 1, 0, 1],
]
const data = Float64Array.from(Array.from({ length: 16 }, (_, n) => patterns[n % 4]).flat())
const init = () => initRbm({ numVisible: 6, numHidden: 4 }, { key: key(2), initScale: 0.1 })

describe('trainRbm', () => {
  test('one full-batch CD-1 epoch is the CD step on the keyed shuffle of the data', () => {
    const k = key(11)
    const { rbm } = trainRbm(init(), data, { key: k, numEpochs: 1, batchSize: 16, learningRate: 0.3 })
    const order = permutation(fold(fold(k, 0), 0), 16)
    const batch = new Float64Array(16 * 6)
    for (let r = 0; r < 16; r++) batch.set(data.subarray(order[r] * 6, order[r] * 6 + 6), r * 6)
    const { gradient } = rbmContrastiveDivergence(init(), batch, { key: fold(fold(k, 1), 0) })
    const expected = rbmGradientStep(init(), gradient, { learningRate: 0.3 })
    expect(Array.from(rbm.weights)).toEqual(Array.from(expected.weights))
    expect(Array.from(rbm.hiddenBias)).toEqual(Array.from(expected.hiddenBias))
  })

  // PCD with μ = 0.9 diverges here (its chains lag a model that moves fast), so PCD and PT keep μ = 0.5
  test('CD-1, PCD and PT with momentum and decay all learn the four patterns (exact log-likelihood)', () => {
    const reports: RbmEpochProgress[] = []
    const base = {
      key: key(3),
      numEpochs: 150,
      batchSize: 4,
      learningRate: { kind: 'linear', initial: 0.1, final: 0.02 },
      momentum: { initial: 0.5, final: 0.9, switchEpoch: 5 },
      weightDecay: 1e-4,
    } as const
    const start = rbmLogLikelihood(init(), data)
    expect(start).toBeCloseTo(6 * Math.log(0.5), 1)
    const cd = trainRbm(init(), data, { ...base, onEpoch: (p) => reports.push(p) })
    const slow = { ...base, momentum: 0.5 }
    const pcd = trainRbm(init(), data, { ...slow, method: 'pcd', numChains: 20 })
    const pt = trainRbm(init(), data, {
      ...slow,
      method: 'pt',
      numChains: 10,
      inverseTemperatures: [1, 0.6, 0.3, 0],
    })
    const ll = [cd, pcd, pt].map((r) => rbmLogLikelihood(r.rbm, data))
    console.info(
      `4 patterns, 150 epochs: exact LL cd ${ll[0].toFixed(3)}, pcd ${ll[1].toFixed(3)}, pt ${ll[2].toFixed(3)} (optimum ${Math.log(0.25).toFixed(3)})`,
    )
    for (const x of ll) {
      expect(x).toBeGreaterThan(-2.5)
      expect(x).toBeLessThanOrEqual(Math.log(0.25) + 1e-9)
    }
    // the report: one per epoch, with the pseudo-likelihood of the final model on the monitor rows
    expect(reports.length).toBe(150)
    expect(reports[149].epoch).toBe(150)
    expect(reports[149].step).toBe(150 * 4)
    expect(reports[149].learningRate).toBeCloseTo(0.02, 12)
    expect(reports[3].momentum).toBe(0.5)
    expect(reports[5].momentum).toBe(0.9)
    const pl = rbmPseudoLikelihood(cd.rbm, data)
    expect(reports[149].pseudoLikelihood).toBeCloseTo(pl.reduce((a, b) => a + b, 0) / 16, 12)
    expect(reports[149].reconstructionError).toBeLessThan(reports[0].reconstructionError)
    expect(pt.history[149].swapAcceptance.length).toBe(3)
    expect(pcd.chains.length).toBe(20 * 6)
  })

  test('a sparsity target pulls the mean hidden activity to the target', () => {
    const options = { key: key(4), numEpochs: 100, batchSize: 4, learningRate: 0.1 } as const
    const plain = trainRbm(init(), data, options)
    const sparse = trainRbm(init(), data, { ...options, sparsity: { target: 0.1, cost: 1, decay: 0.9 } })
    const mean = (rbm: typeof plain.rbm) =>
      rbmHiddenProbabilities(rbm, data, { backend: reference }).reduce((a, b) => a + b, 0) / 64
    console.info(
      `mean hidden activity: plain ${mean(plain.rbm).toFixed(3)}, sparsity 0.1 ${mean(sparse.rbm).toFixed(3)}`,
    )
    expect(mean(plain.rbm)).toBeGreaterThan(0.3)
    // the likelihood pulls against the penalty, so the activity settles a little above the target
    expect(mean(sparse.rbm)).toBeGreaterThan(0.05)
    expect(mean(sparse.rbm)).toBeLessThan(0.2)
    expect(sparse.history.at(-1)?.meanHiddenActivity).toBeCloseTo(mean(sparse.rbm), 12)
  })

  test('for V > 64 the reported pseudo-likelihood is an unbiased one-bit estimate (4 SE)', () => {
    const V = 70
    const R = 300
    const wide = initRbm({ numVisible: V, numHidden: 4 }, { key: key(6), initScale: 0.5 })
    const rows = Float64Array.from(uniformFloats(key(7), R * V, 'float64'), (u) => (u < 0.3 ? 1 : 0))
    // a rate of 1e-300 leaves the model as it was (to double precision)
    const { history } = trainRbm(wide, rows, {
      key: key(8),
      numEpochs: 1,
      batchSize: R,
      learningRate: () => 1e-300,
      monitorSize: R,
    })
    // exact per-bit conditionals ln p(v_i | v_−i) = −softplus(F(v) − F(v with bit i flipped))
    let expected = 0
    let variance = 0
    for (let r = 0; r < R; r++) {
      const row = rows.subarray(r * V, (r + 1) * V)
      const flips = Float64Array.from({ length: V * V }, (_, q) =>
        Math.floor(q / V) === q % V ? 1 - row[q % V] : row[q % V],
      )
      const f = rbmFreeEnergy(wide, row)[0]
      const terms = Array.from(rbmFreeEnergy(wide, flips), (g) => -Math.log1p(Math.exp(f - g)))
      const mean = terms.reduce((a, b) => a + b, 0) / V
      expected += (V * mean) / R
      variance += (V * V * terms.reduce((a, t) => a + (t - mean) ** 2, 0)) / V / (R * R)
    }
    const reported = history[0].pseudoLikelihood
    expect(Math.abs(reported - expected)).toBeLessThan(4 * Math.sqrt(variance))
    expect(Math.abs(reported - expected)).toBeGreaterThan(0) // sampled, not the full sum
  })

  test('the same key gives the same model; bad options are typed errors', () => {
    const a = trainRbm(init(), data, { key: key(5), numEpochs: 2, method: 'pcd', batchSize: 8 })
    const b = trainRbm(init(), data, { key: key(5), numEpochs: 2, method: 'pcd', batchSize: 8 })
    expect(Array.from(a.rbm.weights)).toEqual(Array.from(b.rbm.weights))
    expect(() => trainRbm(init(), data, { key: key(5), numEpochs: 1, batchSize: 17 })).toThrow(
      /trainRbm: batchSize must be an integer in \[1, 16\], got 17/,
    )
    expect(() => trainRbm(init(), [0, 2, 0, 0, 0, 0], { key: key(5), numEpochs: 1 })).toThrow(
      /trainRbm: data must hold values in \[0, 1\], got 2 at index 1/,
    )
    expect(() => trainRbm(init(), data, { key: key(5), numEpochs: 1, method: 'gibbs' as 'cd' })).toThrow(
      /method must be 'cd', 'pcd' or 'pt', got gibbs/,
    )
    expect(() =>
      trainRbm(init(), data, { key: key(5), numEpochs: 1, learningRate: { kind: 'cosine' } as never }),
    ).toThrow(/learningRate.initial must be a finite number > 0/)
  })
})
