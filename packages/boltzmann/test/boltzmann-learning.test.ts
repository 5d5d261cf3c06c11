// Learning experiments of Ackley, Hinton & Sejnowski (1985) with exact statistics: 3-bit parity
// with hidden units, and the 4-3-4 and 4-2-4 encoders. The default run uses the counts the issue
// asks for; GEN_TEST_FULL=1 runs more seeds to measure the success rates more tightly.
import { fold, key, type Key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { describe, expect, test } from 'vitest'
import {
  encoderAccuracy,
  encoderConnectivity,
  encoderPatterns,
  initBoltzmannMachine,
  klDivergence,
  parityPatterns,
  trainBoltzmannMachine,
  type BoltzmannMachine,
} from '../src/index'

const full = isFullRun()

describe('3-bit parity with 3 hidden units', () => {
  const data = parityPatterns(3)
  const train = (seed: number, initScale: number): number => {
    const init = initBoltzmannMachine({ numVisible: 3, numHidden: 3 }, { key: key(seed), initScale })
    const { machine } = trainBoltzmannMachine(init, data, { learningRate: 1, numEpochs: 2000, momentum: 0.5 })
    return klDivergence(machine, data)
  }

  test('init U(−1, 1): KL < 0.1 in at least 4 of 5 seeds', { tags: ['slow'] }, () => {
    const kls = Array.from({ length: full ? 20 : 5 }, (_, seed) => train(seed, 1))
    console.info(`parity 3-3, U(-1,1), 2000 epochs: KL = ${kls.map((k) => k.toFixed(4)).join(', ')}`)
    const solved = kls.filter((k) => k < 0.1).length
    expect(solved).toBeGreaterThanOrEqual(full ? 16 : 4)
  })

  test(
    'init U(−0.1, 0.1) stays at the symmetric saddle, KL ≈ ln 2, for 2000 epochs (P20)',
    { tags: ['slow'] },
    () => {
      const kls = Array.from({ length: full ? 5 : 2 }, (_, seed) => train(seed, 0.1))
      console.info(`parity 3-3, U(-0.1,0.1), 2000 epochs: KL = ${kls.map((k) => k.toFixed(4)).join(', ')}`)
      for (const kl of kls) expect(kl).toBeGreaterThan(Math.LN2 - 0.01)
    },
  )
})

interface EncoderRun {
  readonly machine: BoltzmannMachine
  readonly solved: boolean
  readonly attempts: number
}

/** Trains a g-h-g encoder from fresh U(−1, 1) inits until it is solved or `maxAttempts` is reached. */
function trainEncoder(
  groupSize: number,
  numHidden: number,
  k: Key,
  options: { maxAttempts: number; learningRate: number },
): EncoderRun {
  const config = {
    numVisible: 2 * groupSize,
    numHidden,
    connectivity: encoderConnectivity(groupSize, numHidden),
  }
  let machine = initBoltzmannMachine(config, { key: fold(k, 0) })
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const init = initBoltzmannMachine(config, { key: fold(k, attempt - 1) })
    machine = trainBoltzmannMachine(init, encoderPatterns(groupSize), {
      learningRate: options.learningRate,
      numEpochs: 1000,
      momentum: 0.5,
      // stop once solved with mean p(right completion) > 0.9 (checked every 50 cycles)
      onEpoch: (epoch, current) => {
        if (epoch % 50 !== 0) return false
        const accuracy = encoderAccuracy(current)
        return accuracy.solved === groupSize && accuracy.meanProbability > 0.9
      },
    }).machine
    if (encoderAccuracy(machine).solved === groupSize) return { machine, solved: true, attempts: attempt }
  }
  return { machine, solved: false, attempts: options.maxAttempts }
}

describe('encoders (V1 and V2 talk only through the hidden units)', () => {
  test('4-3-4: solved in at least 8 of 10 seeds', { tags: ['slow'] }, () => {
    const numSeeds = full ? 40 : 10
    const runs = Array.from({ length: numSeeds }, (_, s) =>
      trainEncoder(4, 3, fold(key(100), s), { maxAttempts: 1, learningRate: 2 }),
    )
    const solved = runs.filter((r) => r.solved).length
    console.info(`4-3-4 encoder, one attempt each: ${solved}/${numSeeds} solved`)
    expect(solved).toBeGreaterThanOrEqual(Math.ceil(0.8 * numSeeds))
    for (const run of runs.filter((r) => r.solved))
      expect(encoderAccuracy(run.machine).meanProbability).toBeGreaterThan(0.8)
  })

  test(
    '4-2-4: single-attempt success rate, and at least 9 of 10 with up to 6 restarts',
    { tags: ['slow'] },
    () => {
      const numSeeds = full ? 40 : 10
      const runs = Array.from({ length: numSeeds }, (_, s) =>
        trainEncoder(4, 2, fold(key(200), s), { maxAttempts: 6, learningRate: 0.5 }),
      )
      const firstTry = runs.filter((r) => r.solved && r.attempts === 1).length
      const solved = runs.filter((r) => r.solved).length
      console.info(
        `4-2-4 encoder: ${firstTry}/${numSeeds} solved on the first attempt, ${solved}/${numSeeds} within 6 attempts ` +
          `(attempts: ${runs.map((r) => (r.solved ? r.attempts : 'x')).join(' ')})`,
      )
      // the first-attempt rate of exact gradient descent sits near 20–40 %: a collision of two codes is a local minimum
      expect(firstTry).toBeGreaterThanOrEqual(Math.ceil(0.1 * numSeeds))
      expect(solved).toBeGreaterThanOrEqual(Math.ceil(0.9 * numSeeds))
      for (const run of runs.filter((r) => r.solved))
        expect(encoderAccuracy(run.machine).meanProbability).toBeGreaterThan(0.8)
    },
  )
})

describe('the 1985 procedure: statistics estimated by simulated annealing then Gibbs sampling', () => {
  test(
    '4-3-4 encoder from sampled statistics: at least 2 of 3 seeds solved in 300 epochs',
    { tags: ['slow'] },
    () => {
      const numSeeds = full ? 10 : 3
      const config = { numVisible: 8, numHidden: 3, connectivity: encoderConnectivity(4, 3) }
      const results = Array.from({ length: numSeeds }, (_, s) => {
        const init = initBoltzmannMachine(config, { key: fold(key(100), s) })
        const { machine, klHistory } = trainBoltzmannMachine(init, encoderPatterns(4), {
          learningRate: 1,
          numEpochs: 300,
          momentum: 0.5,
          statistics: { kind: 'sampled', numChains: 10, numSweeps: 10 },
          key: fold(key(7), s),
        })
        // the exact KL is still tracked while the net is small enough to enumerate
        expect(klHistory.length).toBe(300)
        expect(klHistory[klHistory.length - 1]).toBeLessThan(klHistory[0] - 2)
        return encoderAccuracy(machine).solved === 4
      })
      const solved = results.filter(Boolean).length
      console.info(`4-3-4 encoder, sampled statistics, 300 epochs: ${solved}/${numSeeds} solved`)
      expect(solved).toBeGreaterThanOrEqual(Math.ceil((2 / 3) * numSeeds))
    },
  )
})
