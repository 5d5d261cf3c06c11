/**
 * The adversarial training loop: alternating discriminator (critic) and generator updates
 * with separate Adam optimisers, a critic/generator update ratio, an EMA of the generator's
 * weights, progress with both losses and diagnostics, checkpoints and exact resume.
 */
import {
  add,
  dispose,
  fold,
  indexSelect,
  InvalidArgumentError,
  keep,
  type Key,
  mean,
  mul,
  noGrad,
  randint,
  sigmoid,
  ShapeError,
  stack,
  type Tensor,
  type TensorTree,
  tidy,
  valueAndGrad,
} from '@gen/core-tensor'
import {
  adam,
  type AdamOptions,
  type AdamState,
  applyUpdates,
  emaInit,
  emaUpdate,
  globalNorm,
  treeLeaves,
} from '@gen/core-tensor/optim'
import {
  type GanConfig,
  type GanParams,
  type GanState,
  discriminate,
  generate,
  sampleLatent,
  validateGanConfig,
} from './gan-model'
import { gradientPenalty } from './gradient-penalty'
import { checkInteger, checkNumber, checkTensor } from './internal/check'
import {
  discriminatorLoss,
  hingeDiscriminatorLoss,
  minimaxGeneratorLoss,
  nonSaturatingGeneratorLoss,
  wassersteinCriticLoss,
  wassersteinGeneratorLoss,
} from './losses'

/**
 * The objective pair: `'minimax'` and `'non-saturating'` share the discriminator's
 * cross-entropy and differ in G's loss; `'wgan-gp'` is the Wasserstein critic with gradient
 * penalty; `'hinge'` the hinge discriminator with the Wasserstein generator loss.
 */
export type GanObjective = 'minimax' | 'non-saturating' | 'wgan-gp' | 'hinge'

/** What a discriminator step leaves beside its loss: device scalars, read once per step. */
interface DiscriminatorDiagnostics {
  state?: TensorTree
  realOutput?: Tensor
  fakeOutput?: Tensor
  penalty?: Tensor
}

/** Everything needed to continue a run exactly. */
export interface GanCheckpoint {
  readonly config: GanConfig
  readonly params: GanParams
  readonly state: GanState
  /** EMA of the generator's parameters (absent when the run keeps none). */
  readonly ema?: TensorTree
  /** Adam states of the two players. */
  readonly optimizers: { readonly generator: AdamState; readonly discriminator: AdamState }
  /** Generator updates made so far. */
  readonly step: number
}

/** One progress report, averaged over the generator steps since the previous one. */
export interface GanProgress {
  /** Generator updates made so far. */
  readonly step: number
  /** The discriminator's (critic's) loss, gradient penalty included. */
  readonly discriminatorLoss: number
  /** The generator's loss. */
  readonly generatorLoss: number
  /** Mean D output on real data: D(x) = σ(ℓ) for minimax / non-saturating, the raw score otherwise. */
  readonly realOutput: number
  /** Mean D output on generated samples, as `realOutput`. */
  readonly fakeOutput: number
  /** The gradient penalty alone (wgan-gp; 0 otherwise). */
  readonly gradientPenalty: number
  /** Global L2 norm of the discriminator's gradient (last critic step). */
  readonly discriminatorGradNorm: number
  /** Global L2 norm of the generator's gradient. */
  readonly generatorGradNorm: number
  /** Generator samples per second over the interval (noisy on a shared machine). */
  readonly samplesPerSecond: number
  /** Seconds since the loop started. */
  readonly elapsedSeconds: number
}

/** Options of {@link trainGan}. */
export interface TrainGanOptions {
  readonly config: GanConfig
  /** Initial parameters and state (from `initGan`), unless resuming. */
  readonly params?: GanParams
  readonly state?: GanState
  /** Continue from a checkpoint (its step, params, optimisers, EMA). */
  readonly resume?: GanCheckpoint
  /** Real samples `[N, ...]`: `[N, dataDim]` for an MLP GAN, `[N, 1, 28, 28]` in [−1, 1] for a DCGAN. */
  readonly data: Tensor
  /** Int32 labels `[N]` of the data, required by a conditional GAN. */
  readonly labels?: Tensor
  readonly objective: GanObjective
  /** Total generator updates (a resumed run continues up to this count). */
  readonly steps: number
  readonly batchSize: number
  /** Discriminator updates per generator update (n_critic). Default 1; WGAN-GP uses 5. */
  readonly criticSteps?: number
  /** Adam of the generator. Default lr 2e-4, β₁ 0.5, β₂ 0.999 (Radford et al. 2016). */
  readonly generatorOptimizer?: AdamOptions
  /** Adam of the discriminator. Same default. */
  readonly discriminatorOptimizer?: AdamOptions
  /** λ of the gradient penalty. Default 10 (Gulrajani et al. 2017). */
  readonly gradientPenaltyWeight?: number
  /** EMA decay of the generator's weights in [0, 1); 0 (default) keeps none. */
  readonly emaDecay?: number
  /** Key of the run: batches, noise and penalty interpolates of step s come from fold(key, s). */
  readonly key: Key
  /** Report progress every this many generator steps (default 100) and at the end. */
  readonly logEvery?: number
  readonly onProgress?: (progress: GanProgress) => void
  /** Call onCheckpoint every this many generator steps (default: only at the end). */
  readonly checkpointEvery?: number
  readonly onCheckpoint?: (checkpoint: GanCheckpoint) => void | Promise<void>
}

/** What {@link trainGan} returns. */
export interface TrainGanResult {
  readonly params: GanParams
  readonly state: GanState
  /** EMA of the generator's weights, when emaDecay > 0. */
  readonly ema?: TensorTree
  /** The progress reports. */
  readonly history: readonly GanProgress[]
  /** The final checkpoint (resumable). */
  readonly checkpoint: GanCheckpoint
}

const defaultAdam: AdamOptions = { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 }

function keepTree(tree: TensorTree): void {
  for (const [, t] of treeLeaves(tree)) keep(t)
}

function checkOptionsObject(options: unknown): asserts options is TrainGanOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('trainGan', 'options', `must be an options object, got ${String(options)}`)
  }
}

/**
 * Trains a GAN (Goodfellow et al. 2014, Algorithm 1; WGAN-GP: Gulrajani et al. 2017,
 * Algorithm 1). Per generator step s: `criticSteps` discriminator updates, each on a fresh
 * batch of real data (indices drawn with replacement) and of G's samples (G held fixed),
 * then one generator update on fresh noise through the current D. DCGAN batch norm runs in
 * training mode with real and fake batches passed separately (as in the DCGAN reference
 * code). For a conditional GAN the fake batch uses the real batch's labels.
 *
 * Everything random in step s comes from `fold(key, s)`, so a run resumed from a checkpoint
 * continues bit-identically on the same backend.
 *
 * @param options - see {@link TrainGanOptions}
 * @returns final params, state, EMA, history and a resumable checkpoint
 * @throws InvalidArgumentError for bad counts, rates, a missing params/resume, a wgan-gp
 *   critic with batch norm, or missing labels for a conditional GAN
 * @throws ShapeError when data (or labels) do not fit the architecture
 * @example
 * ```ts
 * const { params } = await trainGan({ config, ...initGan(config, { key: key(0) }), data, objective: 'wgan-gp',
 *   steps: 2000, batchSize: 256, criticSteps: 5, key: key(1) })
 * ```
 */
export async function trainGan(options: TrainGanOptions): Promise<TrainGanResult> {
  const op = 'trainGan'
  checkOptionsObject(options)
  const { config, data, labels, objective, resume } = options
  validateGanConfig(config)
  checkTensor(op, 'data', data)
  const n = data.shape[0]
  const expected = config.kind === 'mlp' ? [config.dataDim] : [1, 28, 28]
  if (data.rank !== expected.length + 1 || expected.some((d, i) => data.shape[i + 1] !== d) || n < 1) {
    throw new ShapeError(
      op,
      `data must be [N, ${expected.join(', ')}] with N >= 1, got [${data.shape.join(', ')}]`,
      [data.shape],
    )
  }
  if (config.numClasses !== undefined) {
    if (labels?.dtype !== 'int32' || labels.rank !== 1 || labels.shape[0] !== n) {
      throw new InvalidArgumentError(
        op,
        'labels',
        `must be int32 [${n}] for a conditional GAN, got ${labels === undefined ? 'undefined' : `${labels.dtype} [${labels.shape.join(', ')}]`}`,
      )
    }
  }
  if (!['minimax', 'non-saturating', 'wgan-gp', 'hinge'].includes(objective)) {
    throw new InvalidArgumentError(
      op,
      'objective',
      `must be 'minimax', 'non-saturating', 'wgan-gp' or 'hinge', got ${JSON.stringify(objective)}`,
    )
  }
  if (objective === 'wgan-gp' && config.kind === 'dcgan' && config.discriminatorNorm === 'batch') {
    throw new InvalidArgumentError(
      op,
      'config.discriminatorNorm',
      "must be 'none' for wgan-gp (the penalty needs per-example input gradients, which batch norm mixes), got 'batch'",
    )
  }
  checkInteger(op, 'steps', options.steps, 0)
  checkInteger(op, 'batchSize', options.batchSize, 2)
  const criticSteps = options.criticSteps ?? 1
  checkInteger(op, 'criticSteps', criticSteps)
  const lambda = options.gradientPenaltyWeight ?? 10
  checkNumber(op, 'gradientPenaltyWeight', lambda, { lo: 0 })
  const emaDecay = options.emaDecay ?? 0
  checkNumber(op, 'emaDecay', emaDecay, { lo: 0, hi: 0.999999999 })
  const logEvery = options.logEvery ?? 100
  checkInteger(op, 'logEvery', logEvery)
  const checkpointEvery = options.checkpointEvery ?? 0
  checkInteger(op, 'checkpointEvery', checkpointEvery, 0)

  let params: GanParams
  let state: GanState
  let step: number
  if (resume !== undefined) {
    if (JSON.stringify(resume.config) !== JSON.stringify(config)) {
      throw new InvalidArgumentError(
        op,
        'resume',
        `must be a checkpoint of the same config, got ${JSON.stringify(resume.config)}`,
      )
    }
    ;({ params, state, step } = resume)
  } else {
    if (options.params === undefined || options.state === undefined) {
      throw new InvalidArgumentError(
        op,
        'params',
        'must be given (with state, from initGan) unless resuming, got undefined',
      )
    }
    params = options.params
    state = options.state
    step = 0
  }
  const generatorOptimizer = adam(options.generatorOptimizer ?? defaultAdam)
  const discriminatorOptimizer = adam(options.discriminatorOptimizer ?? defaultAdam)
  let gOpt: AdamState = resume?.optimizers.generator ?? generatorOptimizer.init(params.generator)
  let dOpt: AdamState = resume?.optimizers.discriminator ?? discriminatorOptimizer.init(params.discriminator)
  let ema = emaDecay > 0 ? (resume?.ema ?? emaInit(params.generator).average) : undefined

  // trees this loop made; the caller's (initial params, resume) are never disposed
  const owned = new Set<TensorTree>()
  if (resume === undefined) {
    owned.add(gOpt as unknown as TensorTree)
    owned.add(dOpt as unknown as TensorTree)
  }
  if (ema !== undefined && resume?.ema === undefined) owned.add(ema)
  const replace = <T>(old: T, next: T): T => {
    if (owned.has(old as TensorTree)) dispose(old)
    owned.delete(old as TensorTree)
    owned.add(next as TensorTree)
    return next
  }

  const probabilities = objective === 'minimax' || objective === 'non-saturating'
  const batchSize = options.batchSize
  const drawBatch = (k: Key): { real: Tensor; batchLabels?: Tensor; z: Tensor } => {
    const index = randint(fold(k, 0), [batchSize], { high: n, backend: data.backend })
    return {
      real: indexSelect(data, 0, index),
      batchLabels: config.numClasses === undefined ? undefined : indexSelect(labels!, 0, index),
      z: sampleLatent(fold(k, 1), batchSize, config, data.backend),
    }
  }

  const dLossOf = (
    dParams: TensorTree,
    batch: { real: Tensor; fake: Tensor; batchLabels?: Tensor; penaltyKey: Key },
    out: DiscriminatorDiagnostics,
  ): Tensor => {
    const training = true
    const r = discriminate(config, dParams, batch.real, {
      training,
      state: state.discriminator,
      labels: batch.batchLabels,
    })
    const f = discriminate(config, dParams, batch.fake, {
      training,
      state: r.state,
      labels: batch.batchLabels,
    })
    keepTree(f.state)
    out.state = f.state
    // kept past the gradient's scope as device tensors: read back once per step, below
    out.realOutput = keep(noGrad(() => mean(probabilities ? sigmoid(r.scores) : r.scores)))
    out.fakeOutput = keep(noGrad(() => mean(probabilities ? sigmoid(f.scores) : f.scores)))
    if (objective === 'wgan-gp') {
      const critic = (x: Tensor): Tensor =>
        discriminate(config, dParams, x, { training, state: state.discriminator, labels: batch.batchLabels })
          .scores
      const penalty = gradientPenalty(critic, batch.real, batch.fake, { key: batch.penaltyKey })
      out.penalty = keep(noGrad(() => mul(penalty, 1)))
      return add(wassersteinCriticLoss(r.scores, f.scores), mul(penalty, lambda))
    }
    if (objective === 'hinge') return hingeDiscriminatorLoss(r.scores, f.scores)
    return discriminatorLoss(r.scores, f.scores)
  }
  const dStep = valueAndGrad(dLossOf)

  const gLossOf = (
    gParams: TensorTree,
    batch: { z: Tensor; batchLabels?: Tensor },
    out: { state?: TensorTree },
  ): Tensor => {
    const g = generate(config, gParams, batch.z, {
      training: true,
      state: state.generator,
      labels: batch.batchLabels,
    })
    keepTree(g.state)
    out.state = g.state
    // D in training mode too (batch statistics of this fake batch), its state left as it is
    const f = discriminate(config, params.discriminator, g.samples, {
      training: true,
      state: state.discriminator,
      labels: batch.batchLabels,
    })
    if (objective === 'minimax') return minimaxGeneratorLoss(f.scores)
    if (objective === 'non-saturating') return nonSaturatingGeneratorLoss(f.scores)
    return wassersteinGeneratorLoss(f.scores)
  }
  const gStep = valueAndGrad(gLossOf)

  const snapshot = (): GanCheckpoint => ({
    config,
    params,
    state,
    ...(ema === undefined ? {} : { ema }),
    optimizers: { generator: gOpt, discriminator: dOpt },
    step,
  })

  const history: GanProgress[] = []
  const start = performance.now()
  let last = start
  let acc = { d: 0, g: 0, real: 0, fake: 0, gp: 0, dNorm: 0, gNorm: 0, count: 0 }
  const report = (): void => {
    if (acc.count === 0) return
    const now = performance.now()
    const c = acc.count
    const progress: GanProgress = {
      step,
      discriminatorLoss: acc.d / c,
      generatorLoss: acc.g / c,
      realOutput: acc.real / c,
      fakeOutput: acc.fake / c,
      gradientPenalty: acc.gp / c,
      discriminatorGradNorm: acc.dNorm / c,
      generatorGradNorm: acc.gNorm / c,
      samplesPerSecond: (c * batchSize * (criticSteps + 1)) / Math.max((now - last) / 1000, 1e-9),
      elapsedSeconds: (now - start) / 1000,
    }
    history.push(progress)
    options.onProgress?.(progress)
    last = now
    acc = { d: 0, g: 0, real: 0, fake: 0, gp: 0, dNorm: 0, gNorm: 0, count: 0 }
  }

  while (step < options.steps) {
    const stepKey = fold(options.key, step)
    // this step's scalars stay on the device until the one readback at the end of the step
    let dLoss: Tensor | undefined
    let dNorm: Tensor | undefined
    let dOut: DiscriminatorDiagnostics = {}
    for (let c = 0; c < criticSteps; c++) {
      const criticKey = fold(stepKey, c)
      const out: DiscriminatorDiagnostics = {}
      const result = tidy(() => {
        const { real, batchLabels, z } = drawBatch(criticKey)
        const fake = noGrad(
          () =>
            generate(config, params.generator, z, {
              training: true,
              state: state.generator,
              labels: batchLabels,
            }).samples,
        )
        const { value, grads } = dStep(
          params.discriminator,
          { real, fake, batchLabels, penaltyKey: fold(criticKey, 2) },
          out,
        )
        const { updates, state: next } = discriminatorOptimizer.update(grads, dOpt, params.discriminator)
        return {
          loss: value,
          norm: globalNorm(grads),
          discriminator: applyUpdates(params.discriminator, updates),
          optimizer: next,
        }
      })
      const previousD = params.discriminator
      params = { generator: params.generator, discriminator: result.discriminator }
      if (owned.has(previousD)) dispose(previousD)
      owned.delete(previousD)
      owned.add(result.discriminator)
      dOpt = replace(dOpt, result.optimizer)
      if (out.state !== undefined) {
        const previous = state.discriminator
        state = { generator: state.generator, discriminator: out.state }
        if (owned.has(previous)) dispose(previous)
        owned.delete(previous)
        owned.add(out.state)
      }
      dispose([dLoss, dNorm, dOut.realOutput, dOut.fakeOutput, dOut.penalty])
      dLoss = result.loss
      dNorm = result.norm
      dOut = out
    }
    const gOut: { state?: TensorTree } = {}
    const gResult = tidy(() => {
      const { batchLabels, z } = drawBatch(fold(stepKey, criticSteps))
      const { value, grads } = gStep(params.generator, { z, batchLabels }, gOut)
      const { updates, state: next } = generatorOptimizer.update(grads, gOpt, params.generator)
      return {
        loss: value,
        norm: globalNorm(grads),
        generator: applyUpdates(params.generator, updates),
        optimizer: next,
      }
    })
    const previousG = params.generator
    params = { generator: gResult.generator, discriminator: params.discriminator }
    if (owned.has(previousG)) dispose(previousG)
    owned.delete(previousG)
    owned.add(gResult.generator)
    gOpt = replace(gOpt, gResult.optimizer)
    if (gOut.state !== undefined) {
      const previous = state.generator
      state = { generator: gOut.state, discriminator: state.discriminator }
      if (owned.has(previous)) dispose(previous)
      owned.delete(previous)
      owned.add(gOut.state)
    }
    if (ema !== undefined)
      ema = replace(ema, emaUpdate({ count: step, average: ema }, params.generator, emaDecay).average)
    step += 1
    const scalars = [
      dLoss!,
      dNorm!,
      gResult.loss,
      gResult.norm,
      dOut.realOutput,
      dOut.fakeOutput,
      dOut.penalty,
    ]
    const stacked = tidy(() => stack(scalars.filter((t): t is Tensor => t !== undefined)))
    const values = await stacked.data()
    dispose([stacked, scalars])
    const [d, dN, g, gN, real, fake, gp] = Array.from(values)
    if (![d, g].every(Number.isFinite)) {
      throw new InvalidArgumentError(
        op,
        'options',
        `must give a finite training run, got a non-finite loss at step ${step} (discriminator ${d}, generator ${g}); lower the learning rates`,
      )
    }
    acc.d += d
    acc.g += g
    acc.real += real ?? 0
    acc.fake += fake ?? 0
    acc.gp += gp ?? 0
    acc.dNorm += dN
    acc.gNorm += gN
    acc.count += 1
    if (step % logEvery === 0) report()
    if (checkpointEvery > 0 && step % checkpointEvery === 0 && step < options.steps && options.onCheckpoint) {
      await options.onCheckpoint(snapshot())
    }
  }
  report()
  const checkpoint = snapshot()
  if (options.onCheckpoint) await options.onCheckpoint(checkpoint)
  return { params, state, ...(ema === undefined ? {} : { ema }), history, checkpoint }
}
