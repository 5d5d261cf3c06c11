import { fold, InvalidArgumentError, key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import {
  annealBoltzmannMachine,
  annealingSchedule,
  boltzmannEnergy,
  encoderAccuracy,
  encoderConnectivity,
  encoderPatterns,
  exactClampedStatistics,
  exactFreeStatistics,
  exactKlGradient,
  exactVisibleLogProbabilities,
  initBoltzmannMachine,
  klDivergence,
  parityPatterns,
  sampledStatistics,
  validateBoltzmannMachineConfig,
  type BoltzmannMachine,
} from './boltzmann-machine'
import { trainBoltzmannMachine } from './train-boltzmann-machine'

/** A machine from an explicit upper triangle: w[i][j] for i < j. */
function machineFrom(
  numVisible: number,
  numHidden: number,
  pairs: [number, number, number][],
  biases: number[],
): BoltzmannMachine {
  const n = numVisible + numHidden
  const weights = new Float64Array(n * n)
  const connectivity = new Uint8Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) connectivity[i * n + j] = 1
  for (const [i, j, w] of pairs) {
    weights[i * n + j] = w
    weights[j * n + i] = w
  }
  return { numVisible, numHidden, weights, biases: Float64Array.from(biases), connectivity }
}

function bitsOf(s: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (s >>> i) & 1)
}

/** Brute force: P_T(x) ∝ exp(−E(x)/T) from boltzmannEnergy, an independent path from the Gray-code walk. */
function bruteForce(
  machine: BoltzmannMachine,
  temperature: number,
): { logZ: number; probabilities: number[] } {
  const n = machine.numVisible + machine.numHidden
  const weights = Array.from({ length: 2 ** n }, (_, s) =>
    Math.exp(-boltzmannEnergy(machine, bitsOf(s, n)) / temperature),
  )
  const z = weights.reduce((a, b) => a + b, 0)
  return { logZ: Math.log(z), probabilities: weights.map((w) => w / z) }
}

const third = machineFrom(
  2,
  1,
  [
    [0, 1, 0.7],
    [0, 2, -1.3],
    [1, 2, 0.4],
  ],
  [0.2, -0.5, 0.9],
)

describe('exact enumeration', () => {
  test('2 units: Z = 1 + e^{b1} + e^{b2} + e^{w + b1 + b2}', () => {
    const m = machineFrom(2, 0, [[0, 1, 1.5]], [-0.3, 0.8])
    const z = 1 + Math.exp(-0.3) + Math.exp(0.8) + Math.exp(1.5 - 0.3 + 0.8)
    const free = exactFreeStatistics(m)
    expect(free.logPartition).toBeCloseTo(Math.log(z), 12)
    // <x0 x1> = e^{w+b1+b2}/Z, <x0> = (e^{b1} + e^{w+b1+b2})/Z
    expect(free.correlations[1]).toBeCloseTo(Math.exp(2) / z, 12)
    expect(free.correlations[0]).toBeCloseTo((Math.exp(-0.3) + Math.exp(2)) / z, 12)
    expect(free.correlations[3]).toBeCloseTo((Math.exp(0.8) + Math.exp(2)) / z, 12)
  })

  test('3 units: ln Z by hand from the eight energies', () => {
    // E(x) = −0.7 x0x1 + 1.3 x0x2 − 0.4 x1x2 − 0.2 x0 + 0.5 x1 − 0.9 x2
    const energies = [
      0,
      -0.2,
      0.5,
      -0.7 - 0.2 + 0.5,
      -0.9,
      1.3 - 0.2 - 0.9,
      -0.4 + 0.5 - 0.9,
      -0.7 + 1.3 - 0.4 - 0.2 + 0.5 - 0.9,
    ]
    const z = energies.reduce((a, e) => a + Math.exp(-e), 0)
    expect(exactFreeStatistics(third).logPartition).toBeCloseTo(Math.log(z), 12)
    expect(boltzmannEnergy(third, [1, 1, 1])).toBeCloseTo(energies[7], 12)
  })

  test('T = 2: free statistics equal enumeration of exp(−E/2)', () => {
    const m = initBoltzmannMachine({ numVisible: 3, numHidden: 2 }, { key: key(4), initScale: 2 })
    m.biases.set([0.5, -1, 0.25, 1.5, -0.75])
    const { logZ, probabilities } = bruteForce(m, 2)
    const free = exactFreeStatistics(m, { temperature: 2 })
    expect(free.logPartition).toBeCloseTo(logZ, 11)
    const n = 5
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let c = 0
        probabilities.forEach((p, s) => (c += p * ((s >>> i) & 1) * ((s >>> j) & 1)))
        expect(free.correlations[i * n + j]).toBeCloseTo(c, 12)
      }
    }
    // T = 2 differs from T = 1 (guards against a temperature that is ignored)
    expect(Math.abs(exactFreeStatistics(m).logPartition - logZ)).toBeGreaterThan(0.1)
  })

  test('visible marginals and clamped statistics from brute force', () => {
    const { probabilities } = bruteForce(third, 1)
    const logPv = exactVisibleLogProbabilities(third)
    for (let v = 0; v < 4; v++)
      expect(Math.exp(logPv[v])).toBeCloseTo(probabilities[v] + probabilities[v + 4], 12)
    // clamp v = (1, 0): hidden unit on with P(h=1|v) = σ(b2 + w02) = σ(0.9 − 1.3)
    const clamped = exactClampedStatistics(third, { patterns: [1, 0] })
    const ph = 1 / (1 + Math.exp(0.4))
    expect(clamped[0]).toBeCloseTo(1, 14)
    expect(clamped[1 * 3 + 1]).toBe(0)
    expect(clamped[0 * 3 + 2]).toBeCloseTo(ph, 12)
    expect(clamped[2 * 3 + 2]).toBeCloseTo(ph, 12)
  })

  for (const temperature of [1, 2]) {
    test(`T = ${temperature}: the KL gradient equals central differences of the exact KL`, () => {
      const m = initBoltzmannMachine({ numVisible: 3, numHidden: 2 }, { key: key(9) })
      const data = { patterns: [1, 0, 1, 0, 1, 1, 1, 1, 0], probabilities: [0.5, 0.3, 0.2] }
      const options = { temperature }
      const g = exactKlGradient(m, data, options)
      expect(g.kl).toBeCloseTo(klDivergence(m, data, options), 12)
      const n = 5
      const h = 1e-5
      for (const [i, j] of [
        [0, 1],
        [2, 4],
        [3, 4],
      ]) {
        const plus = structuredClone(m)
        const minus = structuredClone(m)
        for (const [a, b] of [
          [i, j],
          [j, i],
        ]) {
          plus.weights[a * n + b] += h
          minus.weights[a * n + b] -= h
        }
        const numeric = (klDivergence(plus, data, options) - klDivergence(minus, data, options)) / (2 * h)
        expect(g.weights[i * n + j]).toBeCloseTo(numeric, 7)
      }
      const plus = structuredClone(m)
      const minus = structuredClone(m)
      plus.biases[3] += h
      minus.biases[3] -= h
      expect(g.biases[3]).toBeCloseTo(
        (klDivergence(plus, data, options) - klDivergence(minus, data, options)) / (2 * h),
        7,
      )
    })
  }
})

describe('annealing then sampling', () => {
  test('free statistics at T = 2 match enumeration within 4 standard errors', () => {
    const m = initBoltzmannMachine({ numVisible: 2, numHidden: 2 }, { key: key(11), initScale: 2 })
    const exact = exactFreeStatistics(m, { temperature: 2 }).correlations
    const numChains = 4000
    const est = sampledStatistics(m, { key: key(12), temperature: 2, numChains, numSweeps: 1 })
    for (let i = 0; i < 16; i++) {
      // one sample per chain after annealing: independent Bernoulli draws
      const se = Math.sqrt((exact[i] * (1 - exact[i])) / numChains)
      expect(Math.abs(est[i] - exact[i])).toBeLessThan(4 * se + 1e-12)
    }
  })

  test('clamped statistics with hidden units match enumeration within 4 standard errors', () => {
    const m = initBoltzmannMachine({ numVisible: 2, numHidden: 2 }, { key: key(13), initScale: 2 })
    const data = { patterns: [1, 0, 1, 1] }
    const exact = exactClampedStatistics(m, data)
    const numChains = 3000
    const est = sampledStatistics(m, { key: key(14), numChains, numSweeps: 1, clampTo: data })
    for (let i = 0; i < 16; i++) {
      // per-pattern sample means, each of numChains draws, averaged with weight 1/2
      const se = Math.sqrt(0.25 / numChains)
      expect(Math.abs(est[i] - exact[i])).toBeLessThan(4 * se + 1e-12)
    }
  })

  test('the same key gives the same estimate; another key a different one', () => {
    const m = initBoltzmannMachine({ numVisible: 3, numHidden: 1 }, { key: key(1) })
    const a = sampledStatistics(m, { key: key(2) })
    expect(sampledStatistics(m, { key: key(2) })).toEqual(a)
    expect(sampledStatistics(m, { key: key(3) })).not.toEqual(a)
  })

  test('annealing to T = 0.05 finds the exact ground state of a 16-unit spin glass in most runs', () => {
    // a spin glass in 0/1 form: w_ij = 4 J_ij, b_i = −2 Σ_j J_ij with J_ij ~ U(−1, 1) has no field bias towards either state
    const n = 16
    const m = initBoltzmannMachine({ numVisible: n, numHidden: 0 }, { key: key(21), initScale: 4 })
    for (let i = 0; i < n; i++) {
      let row = 0
      for (let j = 0; j < n; j++) row += m.weights[i * n + j]
      m.biases[i] = -row / 2
    }
    let best = Infinity
    for (let s = 0; s < 2 ** n; s++) best = Math.min(best, boltzmannEnergy(m, bitsOf(s, n)))
    const schedule = annealingSchedule({
      startTemperature: 10,
      endTemperature: 0.05,
      numSteps: 40,
      sweepsPerStep: 2,
    })
    const numRuns = 40
    let found = 0
    const quenched = { found: 0 }
    for (let r = 0; r < numRuns; r++) {
      const state = annealBoltzmannMachine(m, { key: fold(key(22), r), schedule })
      expect(boltzmannEnergy(m, state)).toBeGreaterThanOrEqual(best - 1e-12)
      if (boltzmannEnergy(m, state) < best + 1e-9) found += 1
      // a quench (straight to T = 0.05) from the same starting states, for comparison
      const q = annealBoltzmannMachine(m, {
        key: fold(key(22), r),
        schedule: [{ temperature: 0.05, numSweeps: 80 }],
      })
      if (boltzmannEnergy(m, q) < best + 1e-9) quenched.found += 1
    }
    console.info(
      `annealing found the ground state in ${found}/${numRuns} runs, a quench in ${quenched.found}/${numRuns}`,
    )
    expect(found).toBeGreaterThanOrEqual(0.75 * numRuns)
    expect(found).toBeGreaterThan(quenched.found)
  })

  test('annealing with the visible units clamped moves only the hidden units, and at T = 2 samples P(h | v)', () => {
    const m = initBoltzmannMachine({ numVisible: 2, numHidden: 2 }, { key: key(30), initScale: 1.5 })
    const v = [1, 0]
    // exact P(h | v) over the four hidden states, from the energies
    const weights = [0, 1, 2, 3].map((h) => Math.exp(-boltzmannEnergy(m, [...v, ...bitsOf(h, 2)]) / 2))
    const z = weights.reduce((a, b) => a + b, 0)
    const numRuns = 4000
    const counts = [0, 0, 0, 0]
    for (let r = 0; r < numRuns; r++) {
      const state = annealBoltzmannMachine(m, {
        key: fold(key(31), r),
        schedule: [{ temperature: 2, numSweeps: 5 }],
        clampVisible: v,
      })
      expect([state[0], state[1]]).toEqual(v)
      counts[state[2] + 2 * state[3]] += 1
    }
    // chi-square with 3 degrees of freedom, below its 0.001 quantile 16.27
    let chi2 = 0
    for (let h = 0; h < 4; h++)
      chi2 += (counts[h] - (numRuns * weights[h]) / z) ** 2 / ((numRuns * weights[h]) / z)
    expect(chi2).toBeLessThan(16.27)
  })

  test('annealingSchedule is geometric from start to end', () => {
    const s = annealingSchedule({ startTemperature: 16, endTemperature: 1, numSteps: 5, sweepsPerStep: 3 })
    expect(s.map((x) => x.temperature)).toEqual([16, 8, 4, 2, 1])
    expect(s.every((x) => x.numSweeps === 3)).toBe(true)
  })
})

describe('parity without hidden units (pairwise statistics cannot see parity)', () => {
  const data = parityPatterns(3)

  test('parityPatterns(3) is the four even patterns', () => {
    expect(Array.from(data.patterns)).toEqual([0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1])
  })

  test('the uniform model has KL = ln 2 and zero gradient', () => {
    const uniform = initBoltzmannMachine({ numVisible: 3, numHidden: 0 }, { key: key(0), initScale: 0 })
    const g = exactKlGradient(uniform, data)
    expect(g.kl).toBeCloseTo(Math.LN2, 14)
    for (const x of g.weights) expect(Math.abs(x)).toBeLessThan(1e-15)
    for (const x of g.biases) expect(Math.abs(x)).toBeLessThan(1e-15)
  })

  test('training from U(−1, 1) never goes below ln 2 − 1e-9 and ends at ln 2', () => {
    for (let seed = 0; seed < 3; seed++) {
      const init = initBoltzmannMachine({ numVisible: 3, numHidden: 0 }, { key: key(seed) })
      const { klHistory, machine } = trainBoltzmannMachine(init, data, {
        learningRate: 1,
        numEpochs: 400,
        momentum: 0.5,
      })
      expect(klHistory[0]).toBeGreaterThan(Math.LN2 + 1e-3)
      expect(Math.min(...klHistory)).toBeGreaterThanOrEqual(Math.LN2 - 1e-9)
      expect(klDivergence(machine, data)).toBeCloseTo(Math.LN2, 6)
    }
  })
})

describe('encoders', () => {
  test('encoderConnectivity(4, 2): V1–V2 and hidden–hidden pairs are absent', () => {
    const mask = encoderConnectivity(4, 2)
    const n = 10
    expect(mask[0 * n + 1]).toBe(1) // within V1
    expect(mask[4 * n + 5]).toBe(1) // within V2
    expect(mask[0 * n + 4]).toBe(0) // V1–V2
    expect(mask[3 * n + 8]).toBe(1) // V1–hidden
    expect(mask[7 * n + 9]).toBe(1) // V2–hidden
    expect(mask[8 * n + 9]).toBe(0) // hidden–hidden
    expect(mask.reduce((a, b) => a + b, 0)).toBe(2 * (6 + 6 + 8 + 8))
    const m = initBoltzmannMachine({ numVisible: 8, numHidden: 2, connectivity: mask }, { key: key(0) })
    expect(m.weights[0 * n + 4]).toBe(0)
    expect(m.weights[8 * n + 9]).toBe(0)
  })

  test('training keeps unconnected weights at zero', () => {
    const config = { numVisible: 8, numHidden: 2, connectivity: encoderConnectivity(4, 2) }
    const init = initBoltzmannMachine(config, { key: key(1) })
    const { machine } = trainBoltzmannMachine(init, encoderPatterns(4), { learningRate: 1, numEpochs: 20 })
    for (let i = 0; i < 100; i++) if (machine.connectivity[i] === 0) expect(machine.weights[i]).toBe(0)
    expect(init.weights).not.toEqual(machine.weights)
  })

  test('encoderAccuracy of a hand-made 2-1-2 encoder', () => {
    // V1 = (0, 1), V2 = (2, 3), hidden 4: h copies "pattern 1", strong within-group inhibition
    const config = { numVisible: 4, numHidden: 1, connectivity: encoderConnectivity(2, 1) }
    const e = initBoltzmannMachine(config, { key: key(0), initScale: 0 })
    const n = 5
    const set = (i: number, j: number, w: number): void => {
      e.weights[i * n + j] = w
      e.weights[j * n + i] = w
    }
    set(0, 1, -20)
    set(2, 3, -20)
    set(1, 4, 10)
    set(0, 4, -10)
    set(3, 4, 10)
    set(2, 4, -10)
    e.biases.set([0, 0, 5, -5, -5])
    expect(encoderAccuracy(e).solved).toBe(2)
    expect(encoderAccuracy(e).meanProbability).toBeGreaterThan(0.95)
    // swap V2's biases: pattern 0 now completes to (0, 1) and pattern 1 still to (0, 1)
    e.biases.set([0, 0, -5, 5, -5])
    expect(encoderAccuracy(e).solved).toBe(1)
  })
})

describe('validation', () => {
  test('bad configs and inputs throw InvalidArgumentError with the op and what must hold', () => {
    expect(() => validateBoltzmannMachineConfig({ numVisible: 0, numHidden: 1 })).toThrow(
      InvalidArgumentError,
    )
    expect(() =>
      validateBoltzmannMachineConfig({ numVisible: 2, numHidden: 0, connectivity: [0, 1, 0, 0] }),
    ).toThrow('validateBoltzmannMachineConfig: connectivity must be symmetric')
    const m = initBoltzmannMachine({ numVisible: 2, numHidden: 1 }, { key: key(0) })
    expect(() => exactFreeStatistics(m, { temperature: 0 })).toThrow(
      'exactFreeStatistics: temperature must be a finite number > 0, got 0',
    )
    expect(() => klDivergence(m, { patterns: [1, 2] })).toThrow(
      'klDivergence: data.patterns must hold only 0 and 1, got 2 at index 1',
    )
    expect(() => klDivergence(m, { patterns: [1, 0], probabilities: [0.5] })).toThrow(InvalidArgumentError)
    expect(() => boltzmannEnergy(m, [1, 0])).toThrow('boltzmannEnergy: state must have length 3, got 2')
    expect(() =>
      initBoltzmannMachine({ numVisible: 2, numHidden: 0 }, { key: key(0), initScale: -1 }),
    ).toThrow(InvalidArgumentError)
    const asymmetric = structuredClone(m)
    asymmetric.weights[0 * 3 + 1] += 0.5
    expect(() => exactFreeStatistics(asymmetric)).toThrow(
      'exactFreeStatistics: machine.weights must be symmetric, got',
    )
    expect(() =>
      trainBoltzmannMachine(asymmetric, { patterns: [1, 0] }, { learningRate: 1, numEpochs: 1 }),
    ).toThrow('trainBoltzmannMachine: machine.weights must be symmetric')
    const selfLoop = structuredClone(m)
    selfLoop.weights[4] = 1
    expect(() => boltzmannEnergy(selfLoop, [1, 1, 1])).toThrow(
      'boltzmannEnergy: machine.weights must have a zero diagonal, got 1 at (1, 1)',
    )
    const big = initBoltzmannMachine({ numVisible: 20, numHidden: 3 }, { key: key(0), initScale: 0 })
    expect(() => exactFreeStatistics(big)).toThrow(
      'exactFreeStatistics: machine must have at most 22 units for exact enumeration, got 23',
    )
    expect(() =>
      trainBoltzmannMachine(
        m,
        { patterns: [1, 0] },
        { learningRate: 1, numEpochs: 1, statistics: { kind: 'sampled' } },
      ),
    ).toThrow('trainBoltzmannMachine: key must be given for sampled statistics')
  })
})
