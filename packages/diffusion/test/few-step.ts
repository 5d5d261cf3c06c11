// Shared harness of the few-step test (test/few-step.test.ts) and scripts/few-step-bench.ts:
// on 8 Gaussians, train a first flow (straight-path flow matching), reflow it once (the
// 2-rectified flow, fine-tuned from the first on 20 000 couplings of its own Heun ODE) and
// train IMM from scratch, then score Euler (flows) and pushforward (IMM) samples at 1, 2, 4
// and 8 steps by their energy distance to fresh data; optionally DDIM on a DDPM of the same
// size and training at the same step counts.
import { fromArray, key, type Tensor } from '@gen/core-tensor'
import { eightGaussians } from '@gen/datasets'
import {
  cosineSchedule,
  ddimSample,
  energyDistance,
  flowMapSample,
  flowSample,
  immFlowMap,
  type ImmMlpConfig,
  type ImmObjective,
  initDenoiser,
  initImmMlp,
  type MlpDenoiserConfig,
  reflowCouplings,
  trainDenoiser,
  trainImm,
  trainReflow,
  velocityField,
  noisePredictor,
} from '../src/index'

export interface FewStepSettings {
  readonly hidden: readonly number[]
  /** Steps of the first flow, the reflow and IMM. */
  readonly flowSteps: number
  readonly reflowSteps: number
  readonly immSteps: number
  /** Reflow couplings and the Heun steps that make them. */
  readonly couplings: number
  readonly couplingSteps: number
  readonly batchSize: number
  readonly learningRate: number
  readonly evalCount: number
  readonly stepCounts: readonly number[]
  readonly imm?: ImmObjective
  readonly immLearningRate?: number
  /**
   * Also train a DDPM (ε-prediction, cosine schedule over 100 steps) and score DDIM (η = 0, x̂₀
   * clipped to ±3, the data lie within ±2.5: at the cosine schedule's last step √ᾱ is tiny and an
   * unclipped x̂₀ explodes, pitfall P9) at the same step counts.
   */
  readonly ddim?: boolean
  readonly onLog?: (line: string) => void
}

export interface FewStepRow {
  readonly numSteps: number
  /** Energy distance (V-statistic, all pairs) of plain Euler on the first flow. */
  readonly euler: number
  readonly reflow: number
  readonly imm: number
  /** The same as unbiased U-statistics (src/metrics). */
  readonly eulerU: number
  readonly reflowU: number
  readonly immU: number
  /** DDIM on a DDPM of the same size and training, when asked for. */
  readonly ddim?: number
}

export interface FewStepResult {
  readonly rows: readonly FewStepRow[]
  /** The first flow's Heun ODE with 50 steps (the couplings' target), V-statistic. */
  readonly firstFlowOde: number
  /** Two exact samples, V-statistic: the floor. */
  readonly exactFloor: number
  readonly seconds: { flow: number; couplings: number; reflow: number; imm: number; ddpm?: number }
}

/** The biased V-statistic 2 mean|x − y| − mean|x − x'| − mean|y − y'| over all pairs (as scripts/toy-bench.ts). */
export function vStatistic(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const meanDistance = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let total = 0
    for (let i = 0; i < a.length; i += 2)
      for (let j = 0; j < b.length; j += 2) total += Math.hypot(a[i] - b[j], a[i + 1] - b[j + 1])
    return total / ((a.length / 2) * (b.length / 2))
  }
  return 2 * meanDistance(x, y) - meanDistance(x, x) - meanDistance(y, y)
}

const seconds = (start: number): number => (performance.now() - start) / 1000

export async function runFewStep(s: FewStepSettings): Promise<FewStepResult> {
  const log = s.onLog ?? (() => undefined)
  const distribution = eightGaussians()
  const trainCount = 20_000
  const data = fromArray(distribution.sample(trainCount, { seed: 0 }), { shape: [trainCount, 2] })
  const reference = distribution.sample(s.evalCount, { seed: 9 })
  const exactFloor = vStatistic(distribution.sample(s.evalCount, { seed: 10 }), reference)
  const score = (x: Tensor): [number, number] => {
    const values = x.dataSync()
    x.dispose()
    return [vStatistic(values, reference), energyDistance(values, reference, 2)]
  }

  const config: MlpDenoiserConfig = {
    kind: 'mlp',
    dataDim: 2,
    hidden: s.hidden,
    embedDim: 32,
    activation: 'relu',
    timeScale: 1000,
  }
  let start = performance.now()
  const first = await trainDenoiser({
    config,
    params: initDenoiser(config, { key: key(0) }),
    objective: { kind: 'flow-matching' },
    data,
    steps: s.flowSteps,
    batchSize: s.batchSize,
    optimizer: { learningRate: s.learningRate },
    emaDecay: 0.995,
    key: key(1),
    logEvery: s.flowSteps,
  })
  const flowSeconds = seconds(start)
  const firstParams = first.ema ?? first.params
  const firstVelocity = velocityField(config, firstParams)
  const shape = [s.evalCount, 2]
  const [firstFlowOde] = score(
    flowSample(firstVelocity, { key: key(2), shape, numSteps: 50, method: 'heun' }),
  )
  log(
    `first flow: ${flowSeconds.toFixed(0)} s, Heun-50 energy ${firstFlowOde.toFixed(5)} (floor ${exactFloor.toFixed(5)})`,
  )

  start = performance.now()
  const couplings = reflowCouplings(firstVelocity, {
    shape: [s.couplings, 2],
    key: key(3),
    numSteps: s.couplingSteps,
    method: 'heun',
  })
  const couplingSeconds = seconds(start)
  start = performance.now()
  const second = trainReflow({
    config,
    params: firstParams,
    couplings,
    steps: s.reflowSteps,
    batchSize: s.batchSize,
    optimizer: { learningRate: s.learningRate / 3 },
    emaDecay: 0.995,
    key: key(4),
    logEvery: s.reflowSteps,
  })
  const reflowSeconds = seconds(start)
  const secondVelocity = velocityField(config, second.ema ?? second.params)
  log(`reflow: couplings ${couplingSeconds.toFixed(0)} s, training ${reflowSeconds.toFixed(0)} s`)

  const immConfig: ImmMlpConfig = {
    kind: 'imm-mlp',
    dataDim: 2,
    hidden: s.hidden,
    embedDim: 32,
    activation: 'relu',
  }
  start = performance.now()
  const imm = trainImm({
    config: immConfig,
    params: initImmMlp(immConfig, { key: key(5) }),
    data,
    ...(s.imm === undefined ? {} : { objective: s.imm }),
    steps: s.immSteps,
    batchSize: s.batchSize,
    optimizer: { learningRate: s.immLearningRate ?? s.learningRate },
    emaDecay: 0.995,
    key: key(6),
    logEvery: s.immSteps,
  })
  const immSeconds = seconds(start)
  const flowMap = immFlowMap(immConfig, imm.ema ?? imm.params)
  log(`IMM: ${immSeconds.toFixed(0)} s, final loss ${imm.history.at(-1)?.loss.toExponential(3)}`)

  const schedule = cosineSchedule({ numTimesteps: 100 })
  const ddpmConfig: MlpDenoiserConfig = { ...config, timeScale: 10 }
  let ddpmSeconds: number | undefined
  let ddpm: ReturnType<typeof noisePredictor> | undefined
  if (s.ddim === true) {
    start = performance.now()
    const trained = await trainDenoiser({
      config: ddpmConfig,
      params: initDenoiser(ddpmConfig, { key: key(0) }),
      objective: { kind: 'diffusion', schedule, prediction: 'epsilon' },
      data,
      steps: s.flowSteps,
      batchSize: s.batchSize,
      optimizer: { learningRate: s.learningRate },
      emaDecay: 0.995,
      key: key(1),
      logEvery: s.flowSteps,
    })
    ddpmSeconds = seconds(start)
    ddpm = noisePredictor(ddpmConfig, trained.ema ?? trained.params)
    log(`DDPM: ${ddpmSeconds.toFixed(0)} s`)
  }

  const rows: FewStepRow[] = s.stepCounts.map((numSteps) => {
    const sampleKey = key(7)
    const [euler, eulerU] = score(flowSample(firstVelocity, { key: sampleKey, shape, numSteps }))
    const [reflow, reflowU] = score(flowSample(secondVelocity, { key: sampleKey, shape, numSteps }))
    const [immV, immU] = score(flowMapSample(flowMap, { key: sampleKey, shape, numSteps }))
    const ddimV =
      ddpm === undefined
        ? undefined
        : score(ddimSample(ddpm, { schedule, key: sampleKey, shape, numSteps, clipX0: 3 }))[0]
    const row = {
      numSteps,
      euler,
      reflow,
      imm: immV,
      eulerU,
      reflowU,
      immU,
      ...(ddimV === undefined ? {} : { ddim: ddimV }),
    }
    log(
      `${numSteps} steps: Euler ${euler.toFixed(5)}, reflow ${reflow.toFixed(5)}, IMM ${immV.toFixed(5)}` +
        (ddimV === undefined ? '' : `, DDIM ${ddimV.toFixed(5)}`),
    )
    return row
  })
  return {
    rows,
    firstFlowOde,
    exactFloor,
    seconds: {
      flow: flowSeconds,
      couplings: couplingSeconds,
      reflow: reflowSeconds,
      imm: immSeconds,
      ...(ddpmSeconds === undefined ? {} : { ddpm: ddpmSeconds }),
    },
  }
}
