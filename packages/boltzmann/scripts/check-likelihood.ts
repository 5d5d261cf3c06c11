// Independent checks of an RBM's AIS test log-likelihood. Run from packages/boltzmann:
//   pnpm check:likelihood --checkpoint weights/rbm-500-mnist.safetensors --chains 2000 --steps 200 \
//     --raise-images 500 --raise-schedule 1000
// Prints one JSON line per check (first the exact test log-likelihood of the base-rate model):
//  1. "modes": a hard (not stochastic) lower bound on ln Z. For any set S of distinct visible
//     states, Z = Σ_v e^{−F(v)} ≥ Σ_{v∈S} e^{−F(v)}, so ln Z ≥ logsumexp_{v∈S} −F(v). S is the
//     distinct end states of --chains Gibbs chains from Bernoulli(½) noise and as many from the
//     test images, --steps block-Gibbs steps each (the model's own modes). The bound turns into a
//     hard upper bound on the test log-likelihood, −mean F(test) − ln Z ≤ −mean F(test) − bound.
//  2. "raise": RAISE (Burda, Grosse & Salakhutdinov 2015), a conservative estimate of the test
//     log-likelihood that does not need Z: each of the first --raise-images test images v starts a
//     reverse chain (one Gibbs step at β = 1, then rbmReverseAis's annealing 1 → 0 through the
//     same distributions as forward AIS); ln p̂(v) = −F(v) − ln Z_A + ℓ'(v) is an unbiased
//     estimate's log of the annealed model's p(v) (one run per image, so its mean over images is
//     a stochastic lower bound by Jensen). It is printed beside the forward-AIS figure
//     −mean F − ln Ẑ on the same images, with ln Ẑ from --ais-runs runs keyed --ais-seed.
import { fold, key } from '@gen/core-tensor'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { baseRateVisibleBiases, rbmAis, rbmFreeEnergy, rbmGibbsSample, rbmReverseAis } from '../src/index'
import { readRbmCheckpoint } from './checkpoint-file'
import { binarizedMnist } from './mnist-protocol'

const { values } = parseArgs({
  options: {
    checkpoint: { type: 'string', default: 'weights/rbm-500-mnist.safetensors' },
    chains: { type: 'string', default: '2000' },
    steps: { type: 'string', default: '200' },
    'raise-images': { type: 'string', default: '500' },
    'raise-schedule': { type: 'string', default: '1000' },
    'ais-runs': { type: 'string', default: '100' },
    'ais-schedule': { type: 'string', default: '1000' },
    'ais-seed': { type: 'string', default: '11' },
    seed: { type: 'string', default: '21' },
    skip: { type: 'string', default: '' },
  },
})
const V = 784
const skip = new Set(values.skip.split(','))
const { rbm } = await readRbmCheckpoint(values.checkpoint)
const { train, test } = await binarizedMnist()
const baseVisibleBias = baseRateVisibleBiases(train.values, V, { smoothing: 0.05 })
const testFree = rbmFreeEnergy(rbm, test.values)
let meanFree = 0
for (const f of testFree) meanFree += f / testFree.length
const round = (x: number): number => Number(x.toFixed(3))
const seed = Number(values.seed)

function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i])
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m)
  return m + Math.log(s)
}

{
  // the base-rate model A alone (independent pixels at the training marginals): its exact test
  // log-likelihood Σ_i [v_i ln σ(b^A_i) + (1 − v_i) ln σ(−b^A_i)], where AIS starts
  let baseRate = 0
  for (let n = 0; n < testFree.length; n++) {
    for (let i = 0; i < V; i++) {
      const b = baseVisibleBias[i]
      const x = test.values[n * V + i] === 1 ? b : -b
      baseRate += -(x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x))) / testFree.length
    }
  }
  console.log(JSON.stringify({ check: 'base-rate', testLogLikelihood: round(baseRate) }))
}

if (!skip.has('modes')) {
  const started = Date.now()
  const count = Number(values.chains)
  const numSteps = Number(values.steps)
  const CHUNK = 500
  const seen = new Map<string, number>()
  const negFree: { noise: number[]; data: number[] } = { noise: [], data: [] }
  for (const source of ['noise', 'data'] as const) {
    for (let s = 0, c = 0; s < count; s += CHUNK, c++) {
      const n = Math.min(CHUNK, count - s)
      const start =
        source === 'noise'
          ? Float64Array.from({ length: n * V }, () => 0.5)
          : test.values.subarray(s * V, (s + n) * V)
      const k = fold(fold(key(seed), source === 'noise' ? 0 : 1), c)
      const { visible } = rbmGibbsSample(rbm, start, { key: k, numSteps })
      const f = rbmFreeEnergy(rbm, visible)
      for (let r = 0; r < n; r++) {
        const id = visible.subarray(r * V, (r + 1) * V).join('')
        negFree[source].push(-f[r])
        seen.set(id, -f[r])
      }
    }
  }
  const distinct = Float64Array.from(seen.values())
  const bound = logSumExp(distinct)
  const stats = (a: number[]): Record<string, number> => {
    const sorted = a.slice().sort((x, y) => x - y)
    return {
      max: round(sorted[sorted.length - 1]),
      median: round(sorted[Math.floor(sorted.length / 2)]),
      min: round(sorted[0]),
    }
  }
  console.log(
    JSON.stringify({
      check: 'modes',
      checkpoint: values.checkpoint,
      chainsPerSource: count,
      numSteps,
      distinctStates: distinct.length,
      negFreeEnergyNoiseChains: stats(negFree.noise),
      negFreeEnergyDataChains: stats(negFree.data),
      negFreeEnergyTestMean: round(-meanFree),
      logZLowerBound: round(bound),
      testLogLikelihoodUpperBound: round(-meanFree - bound),
      seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    }),
  )
}

if (!skip.has('raise')) {
  const started = Date.now()
  const images = Number(values['raise-images'])
  const schedule =
    values['raise-schedule'] === 'salakhutdinov-murray'
      ? ('salakhutdinov-murray' as const)
      : { numTemperatures: Number(values['raise-schedule']) }
  const v = test.values.subarray(0, images * V)
  // the reverse chain's first transition is at β = 1 (RAISE's T_K), then annealing 1 → 0
  const first = rbmGibbsSample(rbm, v, { key: fold(key(seed), 2), numSteps: 1 }).visible
  const reverse = rbmReverseAis(rbm, first, { key: fold(key(seed), 3), schedule, baseVisibleBias })
  let raise = 0
  let meanFreeSubset = 0
  const perImage = new Float64Array(images)
  for (let m = 0; m < images; m++) {
    perImage[m] = -testFree[m] - reverse.logZBase + reverse.logWeights[m]
    raise += perImage[m] / images
    meanFreeSubset += testFree[m] / images
  }
  let sq = 0
  for (const x of perImage) sq += (x - raise) ** 2
  const raiseStdErr = Math.sqrt(sq / (images - 1) / images)
  // per image, RAISE − forward AIS = ℓ'(v) − ln Z_A + ln Ẑ: the image-to-image spread of ln p(v)
  // cancels, so the gap's standard error is that of the two estimators only
  const raiseSeconds = (Date.now() - started) / 1000
  const ais = rbmAis(rbm, {
    key: key(Number(values['ais-seed'])),
    numRuns: Number(values['ais-runs']),
    schedule:
      values['ais-schedule'] === 'salakhutdinov-murray'
        ? 'salakhutdinov-murray'
        : { numTemperatures: Number(values['ais-schedule']) },
    baseVisibleBias,
  })
  let gapSq = 0
  const gap = raise - (-meanFreeSubset - ais.logZ)
  for (let m = 0; m < images; m++) gapSq += (perImage[m] - (-testFree[m] - ais.logZ) - gap) ** 2
  const gapStdErr = Math.sqrt(gapSq / (images - 1) / images)
  console.log(
    JSON.stringify({
      check: 'raise',
      checkpoint: values.checkpoint,
      images,
      raiseTemperatures: reverse.numTemperatures,
      raiseLogLikelihood: round(raise),
      raiseStdErr: round(raiseStdErr),
      aisRuns: ais.numRuns,
      aisTemperatures: ais.numTemperatures,
      aisLogZ: round(ais.logZ),
      aisEss: round(ais.effectiveSampleSize),
      aisLogLikelihoodSameImages: round(-meanFreeSubset - ais.logZ),
      aisLogLikelihoodAllTest: round(-meanFree - ais.logZ),
      raiseMinusAis: round(gap),
      raiseMinusAisStdErr: round(gapStdErr),
      raiseSeconds: Number(raiseSeconds.toFixed(1)),
      seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    }),
  )
}
