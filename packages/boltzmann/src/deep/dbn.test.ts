import { fold, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { initRbm, rbmLogLikelihood, rbmLogPartition, rbmLogProbability, type Rbm } from '../index'
import {
  createDbn,
  dbnLogProbability,
  dbnLowerBound,
  dbnSample,
  trainDbn,
  transposeRbm,
  type Dbn,
} from './dbn'

function randomRbm(V: number, H: number, seed: number, scale = 1): Rbm {
  const rbm = initRbm({ numVisible: V, numHidden: H }, { key: key(seed), initScale: scale })
  const biases = normalFloats(fold(key(seed), 1), V + H, 'float64')
  for (let i = 0; i < V; i++) rbm.visibleBias[i] = 0.5 * biases[i]
  for (let j = 0; j < H; j++) rbm.hiddenBias[j] = 0.5 * biases[V + j]
  return rbm
}

const bits = (s: number, n: number): number[] => Array.from({ length: n }, (_, i) => (s >>> i) & 1)
const all = (n: number): number[] => Array.from({ length: 2 ** n }, (_, s) => bits(s, n)).flat()
const sig = (x: number): number => 1 / (1 + Math.exp(-x))

/** ln p(x | y) of a directed sigmoid layer given by an RBM's visible conditional. */
function downLogP(rbm: Rbm, x: number[], y: number[]): number {
  let s = 0
  for (let i = 0; i < rbm.numVisible; i++) {
    let a = rbm.visibleBias[i]
    for (let j = 0; j < rbm.numHidden; j++) a += rbm.weights[i * rbm.numHidden + j] * y[j]
    s += Math.log(x[i] === 1 ? sig(a) : 1 - sig(a))
  }
  return s
}

/** ln q(y | x) of an RBM's factorial up-pass. */
function upLogQ(rbm: Rbm, y: number[], x: number[]): number {
  let s = 0
  for (let j = 0; j < rbm.numHidden; j++) {
    let a = rbm.hiddenBias[j]
    for (let i = 0; i < rbm.numVisible; i++) a += rbm.weights[i * rbm.numHidden + j] * x[i]
    s += Math.log(y[j] === 1 ? sig(a) : 1 - sig(a))
  }
  return s
}

/** Brute force over every hidden layer of a DBN: exact ln p(v) and the exact bound E_q[ln p(v, h) − ln q(h | v)]. */
function bruteForce(dbn: Dbn, v: number[]): { logP: number; bound: number } {
  const L = dbn.layers.length
  const top = dbn.layers[L - 1]
  const logZ = rbmLogPartition(top)
  const sizes = dbn.layers.slice(0, L - 1).map((r) => r.numHidden)
  let p = 0
  let bound = 0
  const visit = (l: number, states: number[][]): void => {
    if (l === sizes.length) {
      const chain = [v, ...states]
      let logJoint = rbmLogProbability(top, chain[L - 1])[0]
      let logQ = 0
      for (let k = 0; k < L - 1; k++) {
        logJoint += downLogP(dbn.layers[k], chain[k], chain[k + 1])
        logQ += upLogQ(dbn.layers[k], chain[k + 1], chain[k])
      }
      p += Math.exp(logJoint)
      bound += Math.exp(logQ) * (logJoint - logQ)
      return
    }
    for (let s = 0; s < 2 ** sizes[l]; s++) visit(l + 1, [...states, bits(s, sizes[l])])
  }
  visit(0, [])
  expect(Number.isFinite(logZ)).toBe(true)
  return { logP: Math.log(p), bound }
}

describe('deep belief networks', () => {
  test('a top layer tied to the transposed bottom RBM: bound = exact ln p(v) = the RBM’s ln p(v)', () => {
    const rbm = randomRbm(5, 4, 1)
    const dbn = createDbn([rbm, transposeRbm(rbm)])
    const v = all(5)
    const exact = dbnLogProbability(dbn, v)
    const { bound } = dbnLowerBound(dbn, v)
    const reference = rbmLogProbability(rbm, v)
    for (let s = 0; s < 32; s++) {
      expect(exact[s]).toBeCloseTo(reference[s], 10)
      expect(bound[s]).toBeCloseTo(reference[s], 10)
    }
  })

  test('an untied 2-layer DBN: p(v) sums to 1, bound ≤ ln p(v), and the gap is KL(q ‖ posterior)', () => {
    const dbn = createDbn([randomRbm(4, 3, 2, 1.5), randomRbm(3, 4, 3, 1.5)])
    const v = all(4)
    const exact = dbnLogProbability(dbn, v)
    expect(exact.reduce((a, x) => a + Math.exp(x), 0)).toBeCloseTo(1, 12)
    const { bound } = dbnLowerBound(dbn, v)
    let largestGap = 0
    for (let s = 0; s < 16; s++) {
      const row = bits(s, 4)
      const reference = bruteForce(dbn, row)
      expect(exact[s]).toBeCloseTo(reference.logP, 10)
      expect(bound[s]).toBeCloseTo(reference.bound, 10)
      // KL(q ‖ p(h | v)) = Σ_h q ln q − q ln p(h | v), p(h | v) = p(v, h) / p(v)
      let kl = 0
      for (let t = 0; t < 8; t++) {
        const h = bits(t, 3)
        const lq = upLogQ(dbn.layers[0], h, row)
        const lp = downLogP(dbn.layers[0], row, h) + rbmLogProbability(dbn.layers[1], h)[0] - exact[s]
        kl += Math.exp(lq) * (lq - lp)
      }
      expect(exact[s] - bound[s]).toBeCloseTo(kl, 10)
      expect(bound[s]).toBeLessThan(exact[s])
      largestGap = Math.max(largestGap, kl)
    }
    expect(largestGap).toBeGreaterThan(0.01)
  })

  test('the sampled bound of a 3-layer DBN agrees with brute force within 4 SE and stays below ln p(v)', () => {
    const dbn = createDbn([randomRbm(4, 3, 4, 1.5), randomRbm(3, 3, 5, 1.5), randomRbm(3, 2, 6, 1.5)])
    const v = [1, 0, 1, 1, 0, 0, 0, 1]
    const { bound, standardError } = dbnLowerBound(dbn, v, { key: key(7), numSamples: 4000 })
    for (let r = 0; r < 2; r++) {
      const reference = bruteForce(dbn, v.slice(4 * r, 4 * r + 4))
      expect(standardError[r]).toBeGreaterThan(0)
      expect(Math.abs(bound[r] - reference.bound)).toBeLessThan(4 * standardError[r])
      expect(reference.bound).toBeLessThan(reference.logP)
    }
  })

  test('dbnSample draws from the DBN’s p(v) (χ², fixed key)', () => {
    const dbn = createDbn([randomRbm(4, 3, 8, 1.5), randomRbm(3, 3, 9, 1)])
    const C = 4000
    const { visible, probabilities } = dbnSample(dbn, { key: key(10), numSamples: C, numSteps: 50 })
    expect(probabilities.length).toBe(C * 4)
    const count = new Float64Array(16)
    for (let r = 0; r < C; r++) {
      let s = 0
      for (let i = 0; i < 4; i++) s |= visible[4 * r + i] << i
      count[s]++
    }
    const logP = dbnLogProbability(dbn, all(4))
    let chi = 0
    for (let s = 0; s < 16; s++) chi += (count[s] - C * Math.exp(logP[s])) ** 2 / (C * Math.exp(logP[s]))
    expect(chi).toBeLessThan(37.7) // χ²(15) at 0.1 %
  })

  test('greedy training: a second layer started from the transpose raises the bound above the first RBM’s ln p(v)', () => {
    const patterns = [
      [1, 1, 1, 0, 0, 0],
      [0, 0, 0, 1, 1, 1],
      [1, 0, 1, 0, 1, 0],
      [0, 1, 0, 1, 0, 1],
      [1, 1, 0, 0, 1, 1],
    ]
    const data = Float64Array.from(Array.from({ length: 40 }, (_, n) => patterns[n % 5]).flat())
    const epochs: number[] = []
    const { dbn, history } = trainDbn(data, {
      layerSizes: [6, 3, 6],
      key: key(11),
      layers: [
        { numEpochs: 60, batchSize: 10, learningRate: 0.1, momentum: 0.5, initScale: 0.1 },
        { numEpochs: 200, batchSize: 10, learningRate: 0.1, init: 'transposed' },
      ],
      propagate: 'samples',
      onEpoch: (layer) => epochs.push(layer),
    })
    expect(history.map((h) => h.length)).toEqual([60, 200])
    expect(epochs.filter((l) => l === 1).length).toBe(200)
    const rbmLl = rbmLogLikelihood(dbn.layers[0], data)
    const bound = dbnLowerBound(dbn, data).bound.reduce((a, b) => a + b, 0) / 40
    const exact = dbnLogProbability(dbn, data).reduce((a, b) => a + b, 0) / 40
    console.info(
      `DBN 6-3-6 on 5 patterns: RBM ln p ${rbmLl.toFixed(3)}, DBN bound ${bound.toFixed(3)}, DBN exact ${exact.toFixed(3)}`,
    )
    // measured +0.056 nats; a layer that failed to learn would sit at the RBM's value (a tie, see the first test)
    expect(bound).toBeGreaterThan(rbmLl + 0.03)
    expect(exact).toBeGreaterThanOrEqual(bound)
  })

  test('bad input is a typed error', () => {
    expect(() => createDbn([randomRbm(4, 3, 1), randomRbm(4, 3, 2)])).toThrow(
      /createDbn: layers must chain: layers\[0\].numHidden must equal layers\[1\].numVisible, got 3 and 4/,
    )
    const big = createDbn([randomRbm(3, 2, 1), randomRbm(2, 2, 2)])
    expect(() => dbnLowerBound(big, [1, 0, 1], { method: 'sampled' })).toThrow(
      /key must be given for method 'sampled'/,
    )
    const huge = { layers: [initRbm({ numVisible: 30, numHidden: 30 }, { key: key(0) })] }
    expect(() => dbnLowerBound(huge, new Float64Array(30))).toThrow(
      /logPartitionTop must be given \(e.g. an AIS estimate\)/,
    )
    expect(() => trainDbn([1, 0], { layerSizes: [2], key: key(0), layers: { numEpochs: 1 } })).toThrow(
      /layerSizes must list at least 2 unit counts/,
    )
  })
})
