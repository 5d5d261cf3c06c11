import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'
import type { IsingModel } from './lattice'
import { Xoshiro128 } from './rng'

/** Single-spin acceptance rule: Metropolis `min(1, e^{−βΔE})` or heat bath (Glauber) `1/(1 + e^{βΔE})`. */
export type AcceptanceRule = 'metropolis' | 'glauber'

/**
 * Order in which a sweep visits sites: `checkerboard` (colour class by colour class; every
 * class holds sites with no bond between them), `random` (N uniformly random sites), or
 * `typewriter` (0, 1, …, N−1).
 */
export type SweepOrder = 'checkerboard' | 'random' | 'typewriter'

/** Options of the single-spin sweeps. */
export interface SweepOptions {
  /** Inverse temperature β = 1/T, finite and >= 0. */
  beta: number
  /** The generator, advanced in place. */
  rng: Xoshiro128
  /** Visiting order (default `checkerboard`). */
  order?: SweepOrder
}

/**
 * Probability of accepting a single spin flip with energy change ΔE at inverse temperature β
 * (F8): Metropolis `min(1, e^{−βΔE})` (Metropolis et al. 1953), Glauber/heat bath
 * `1/(1 + e^{βΔE})` (Glauber 1963). At ΔE = +4, β = 0.5: 0.1353352832 and 0.1192029220.
 *
 * @param rule - `metropolis` or `glauber`
 * @param deltaE - energy change of the flip
 * @param beta - inverse temperature, >= 0
 * @returns the probability in [0, 1]
 * @throws InvalidArgumentError for an unknown rule, a ΔE that is NaN, or β not finite and >= 0
 * @example
 * ```ts
 * acceptance('glauber', -4, 0.5) // 0.8807970780
 * ```
 */
export function acceptance(rule: AcceptanceRule, deltaE: number, beta: number): number {
  const op = 'acceptance'
  if (rule !== 'metropolis' && rule !== 'glauber') {
    throw new InvalidArgumentError(op, 'rule', `must be 'metropolis' or 'glauber', got ${String(rule)}`)
  }
  if (typeof deltaE !== 'number' || Number.isNaN(deltaE)) {
    throw new InvalidArgumentError(op, 'deltaE', `must be a number, got ${deltaE}`)
  }
  checkBeta(op, beta)
  return acceptanceUnchecked(rule, deltaE, beta)
}

/** {@link acceptance} without validation (internal hot path). */
function acceptanceUnchecked(rule: AcceptanceRule, deltaE: number, beta: number): number {
  if (rule === 'metropolis') return deltaE <= 0 ? 1 : Math.exp(-beta * deltaE)
  const x = beta * deltaE
  // 1/(1 + e^x), written so that neither branch overflows.
  return x > 0 ? Math.exp(-x) / (1 + Math.exp(-x)) : 1 / (1 + Math.exp(x))
}

/** Validates β and the rng for an update function. */
export function checkBeta(op: string, beta: number): void {
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta)) {
    throw new InvalidArgumentError(op, 'beta', `must be a finite number >= 0, got ${beta}`)
  }
}

function checkRng(op: string, rng: unknown): void {
  if (!(rng instanceof Xoshiro128)) {
    throw new InvalidArgumentError(op, 'rng', `must be a generator made by createRng(key), got ${typeof rng}`)
  }
}

function checkSpinArray(op: string, model: IsingModel, spins: Int8Array): void {
  if (!(spins instanceof Int8Array) || spins.length !== model.size) {
    throw new InvalidArgumentError(
      op,
      'spins',
      `must be an Int8Array of length ${model.size}, got ${String(spins?.length)}`,
    )
  }
}

/**
 * Acceptance probabilities for a uniform coupling J: `table[(s+1)/2 · (2z+1) + (Σ s_j + z)]`
 * for a spin s whose neighbours sum to Σ s_j, with z the largest degree.
 */
function acceptanceTable(
  model: IsingModel,
  rule: AcceptanceRule,
  beta: number,
): { table: Float64Array; z: number } {
  let z = 0
  for (let i = 0; i < model.size; i++) z = Math.max(z, model.offsets[i + 1] - model.offsets[i])
  const J = model.uniformCoupling ?? 0
  const table = new Float64Array(2 * (2 * z + 1))
  for (let s = -1; s <= 1; s += 2) {
    for (let sum = -z; sum <= z; sum++) {
      table[((s + 1) / 2) * (2 * z + 1) + sum + z] = acceptanceUnchecked(
        rule,
        2 * s * (J * sum + model.field),
        beta,
      )
    }
  }
  return { table, z }
}

/** The core single-spin update loop shared by Metropolis and heat bath; returns accepted flips. */
function singleSpinSweep(
  model: IsingModel,
  spins: Int8Array,
  options: SweepOptions,
  rule: AcceptanceRule,
): number {
  const op = rule === 'metropolis' ? 'metropolisSweep' : 'heatBathSweep'
  checkSpinArray(op, model, spins)
  checkOptions(op, options)
  checkBeta(op, options.beta)
  checkRng(op, options.rng)
  const order = options.order ?? 'checkerboard'
  if (order !== 'checkerboard' && order !== 'random' && order !== 'typewriter') {
    throw new InvalidArgumentError(
      op,
      'order',
      `must be 'checkerboard', 'random' or 'typewriter', got ${String(order)}`,
    )
  }
  const { beta, rng } = options
  if (rule === 'metropolis' && beta === 0 && order !== 'random') {
    // At β = 0 every proposal is accepted, so a fixed order maps s to −s each sweep (F7).
    throw new InvalidArgumentError(
      op,
      'order',
      `must be 'random' when beta = 0 (a fixed-order Metropolis sweep at beta = 0 flips every spin and is not ergodic), got '${order}'`,
    )
  }
  const { offsets, neighbours, couplings } = model
  const n = model.size
  const h = model.field
  const uniform = model.uniformCoupling !== null
  const { table, z } = uniform ? acceptanceTable(model, rule, beta) : { table: new Float64Array(0), z: 0 }
  const width = 2 * z + 1
  let accepted = 0
  const visit = (i: number): void => {
    const s = spins[i]
    let p: number
    if (uniform) {
      let sum = 0
      for (let k = offsets[i]; k < offsets[i + 1]; k++) sum += spins[neighbours[k]]
      p = table[(s > 0 ? width : 0) + sum + z]
    } else {
      let f = h
      for (let k = offsets[i]; k < offsets[i + 1]; k++) f += couplings[k] * spins[neighbours[k]]
      p = acceptanceUnchecked(rule, 2 * s * f, beta)
    }
    if (p >= 1 || rng.nextFloat() < p) {
      spins[i] = -s
      accepted++
    }
  }
  if (order === 'checkerboard') {
    for (const cls of model.colourClasses) for (let q = 0; q < cls.length; q++) visit(cls[q])
  } else if (order === 'typewriter') {
    for (let i = 0; i < n; i++) visit(i)
  } else {
    for (let q = 0; q < n; q++) visit(rng.nextInt(n))
  }
  return accepted
}

/**
 * One Metropolis sweep (Metropolis, Rosenbluth, Rosenbluth, Teller & Teller 1953): N single-spin
 * flip proposals, each accepted with probability `min(1, e^{−βΔE})`, `ΔE = 2 s_i (Σ_j J_ij s_j + h)`.
 * Updates `spins` in place.
 *
 * At β = 0 every proposal is accepted: a fixed order then maps s to −s (not ergodic, F7, so it
 * is refused), and random-site order has period 2 — each flip changes the parity of the number
 * of down spins, so a chain observed once per sweep on an even N stays in one parity class.
 * Use {@link heatBathSweep} at β = 0.
 *
 * @param model - the model
 * @param spins - ±1 spins (Int8Array, length N), changed in place
 * @param options - β, rng, order (default checkerboard)
 * @returns the number of accepted flips
 * @throws InvalidArgumentError for a bad β, rng, order, spins, or a fixed order at β = 0 (F7)
 * @example
 * ```ts
 * const model = squareLattice(16)
 * const spins = allUp(model)
 * metropolisSweep(model, spins, { beta: 0.5, rng: createRng(key(1)) })
 * ```
 */
export function metropolisSweep(model: IsingModel, spins: Int8Array, options: SweepOptions): number {
  return singleSpinSweep(model, spins, options, 'metropolis')
}

/**
 * One heat-bath (Glauber) sweep: each visited spin is set to +1 with probability
 * `1/(1 + e^{−2β(Σ_j J_ij s_j + h)})`, i.e. flipped with `1/(1 + e^{βΔE})` (Glauber 1963).
 * Ergodic in any order, including β = 0.
 *
 * @param model - the model
 * @param spins - ±1 spins, changed in place
 * @param options - β, rng, order (default checkerboard)
 * @returns the number of flipped spins
 * @throws InvalidArgumentError for a bad β, rng, order or spins
 * @example
 * ```ts
 * heatBathSweep(model, spins, { beta: 0.4, rng })
 * ```
 */
export function heatBathSweep(model: IsingModel, spins: Int8Array, options: SweepOptions): number {
  return singleSpinSweep(model, spins, options, 'glauber')
}

/**
 * Synchronous (all sites at once) Metropolis update. It is NOT a valid Markov chain for the
 * Ising model — neighbours flip together, and from the Néel state at low T the whole lattice
 * oscillates between the two Néel states (failure F6). Kept only to demonstrate that trap.
 *
 * @param model - the model
 * @param spins - ±1 spins, changed in place
 * @param options - β and rng (order ignored)
 * @returns the number of flipped spins
 * @throws InvalidArgumentError for a bad β or spins
 * @example
 * ```ts
 * synchronousSweep(model, neelState(model), { beta: 1 / 1.5, rng }) // stays at e = +2
 * ```
 */
export function synchronousSweep(model: IsingModel, spins: Int8Array, options: SweepOptions): number {
  checkSpinArray('synchronousSweep', model, spins)
  checkOptions('synchronousSweep', options)
  checkBeta('synchronousSweep', options.beta)
  const { offsets, neighbours, couplings } = model
  const flip = new Uint8Array(model.size)
  for (let i = 0; i < model.size; i++) {
    let f = model.field
    for (let k = offsets[i]; k < offsets[i + 1]; k++) f += couplings[k] * spins[neighbours[k]]
    const p = acceptanceUnchecked('metropolis', 2 * spins[i] * f, options.beta)
    if (p >= 1 || options.rng.nextFloat() < p) flip[i] = 1
  }
  let n = 0
  for (let i = 0; i < model.size; i++) {
    if (flip[i]) {
      spins[i] = -spins[i]
      n++
    }
  }
  return n
}

/** Scratch arrays of the cluster algorithms, reusable across steps of one model. */
export interface ClusterWorkspace {
  /** Site stack / cluster list. */
  readonly stack: Int32Array
  /** Visit marks (Wolff) or union-find parents (Swendsen–Wang). */
  readonly mark: Int32Array
}

/**
 * Allocates the scratch arrays for {@link wolffStep} and {@link swendsenWangSweep}.
 *
 * @param model - the model
 * @returns a workspace for that model's size
 * @throws never (the model is trusted)
 * @example
 * ```ts
 * const work = clusterWorkspace(model)
 * wolffStep(model, spins, { beta, rng, workspace: work })
 * ```
 */
export function clusterWorkspace(model: IsingModel): ClusterWorkspace {
  return { stack: new Int32Array(model.size), mark: new Int32Array(model.size) }
}

/** Options of the cluster updates. */
export interface ClusterOptions {
  /** Inverse temperature β, finite and >= 0. */
  beta: number
  /** The generator. */
  rng: Xoshiro128
  /** Scratch arrays from {@link clusterWorkspace}; allocated per call when absent. */
  workspace?: ClusterWorkspace
  /**
   * Swendsen–Wang only: an Int32Array of length >= N that receives the size of every cluster
   * in its first `clusters` entries (the return value), for cluster-size statistics.
   */
  clusterSizes?: Int32Array
}

function workspaceFor(op: string, model: IsingModel, options: ClusterOptions): ClusterWorkspace {
  checkOptions(op, options)
  checkBeta(op, options.beta)
  checkRng(op, options.rng)
  const w = options.workspace ?? clusterWorkspace(model)
  if (w.stack.length !== model.size) {
    throw new InvalidArgumentError(
      op,
      'workspace',
      `must be made for ${model.size} sites, got ${w.stack.length}`,
    )
  }
  return w
}

/**
 * One Wolff single-cluster update (Wolff, PRL 62, 361 (1989)): grow a cluster from a random seed,
 * adding each neighbour j of a cluster site i with `J_ij s_i s_j > 0` with probability
 * `1 − e^{−2β|J_ij|}`, then flip it. A field h is handled by accepting the flip with
 * `min(1, e^{−2βh Σ_{i∈C} s_i})` (the cluster move is symmetric; the field is a Metropolis test).
 * For h = 0 the mean cluster size equals N<m²> (L=4, T=2: 13.90274691).
 *
 * @param model - the model
 * @param spins - ±1 spins, changed in place
 * @param options - β, rng, optional workspace
 * @returns the cluster size (the cluster was flipped unless the field test rejected it)
 * @throws InvalidArgumentError for a bad β, rng, spins or workspace
 * @example
 * ```ts
 * const size = wolffStep(model, spins, { beta: 0.5, rng })
 * ```
 */
export function wolffStep(model: IsingModel, spins: Int8Array, options: ClusterOptions): number {
  const op = 'wolffStep'
  checkSpinArray(op, model, spins)
  const { stack, mark } = workspaceFor(op, model, options)
  const { beta, rng } = options
  const { offsets, neighbours, couplings } = model
  const uniformP =
    model.uniformCoupling === null ? -1 : -Math.expm1(-2 * beta * Math.abs(model.uniformCoupling))
  const seed = rng.nextInt(model.size)
  if (uniformP >= 0 && model.field === 0) {
    return wolffUniform(model, spins, { seed, p: uniformP, J: model.uniformCoupling!, rng, stack })
  }
  // mark[i] = 1 while i is in the cluster; cleared at the end over the cluster list.
  let top = 0
  let size = 0
  stack[top++] = seed
  mark[seed] = 1
  size = 1
  let read = 0
  let fieldSum = 0
  while (read < top) {
    const i = stack[read++]
    const si = spins[i]
    fieldSum += si
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const j = neighbours[k]
      if (mark[j] !== 0) continue
      const a = couplings[k] * si * spins[j]
      if (a <= 0) continue
      const p = uniformP >= 0 ? uniformP : -Math.expm1(-2 * beta * a)
      if (rng.nextFloat() < p) {
        mark[j] = 1
        stack[top++] = j
        size++
      }
    }
  }
  const h = model.field
  const flip = h === 0 || rng.nextFloat() < Math.exp(-2 * beta * h * fieldSum)
  for (let q = 0; q < top; q++) {
    const i = stack[q]
    mark[i] = 0
    if (flip) spins[i] = -spins[i]
  }
  return size
}

/**
 * The Wolff cluster for one coupling J and h = 0, the same draws in the same order as the
 * general loop (so the same chain, bit for bit), but faster: each site is flipped when it joins
 * (so a cluster site no longer looks like a candidate and no visit marks are needed), the
 * generator runs in locals, and `u·2^−32 < p` is the integer test `u < ⌈p·2^32⌉`.
 * A neighbour j of cluster site i (already flipped) is a candidate when its bond was satisfied
 * before the flip: J > 0, s_j = −s_i; J < 0, s_j = s_i.
 */
function wolffUniform(
  model: IsingModel,
  spins: Int8Array,
  args: { seed: number; p: number; J: number; rng: Xoshiro128; stack: Int32Array },
): number {
  const { offsets, neighbours } = model
  const { seed, stack, rng } = args
  const threshold = Math.ceil(args.p * 4294967296)
  const sign = args.J > 0 ? -1 : 1
  const st = rng.state
  let s0 = st[0] | 0
  let s1 = st[1] | 0
  let s2 = st[2] | 0
  let s3 = st[3] | 0
  spins[seed] = -spins[seed]
  stack[0] = seed
  let top = 1
  let read = 0
  while (read < top) {
    const i = stack[read++]
    const want = sign * spins[i]
    for (let k = offsets[i], end = offsets[i + 1]; k < end; k++) {
      const j = neighbours[k]
      if (spins[j] !== want) continue
      // xoshiro128** step (as Xoshiro128.nextU32)
      const q = Math.imul(s1, 5)
      const u = Math.imul((q << 7) | (q >>> 25), 9) >>> 0
      const t = s1 << 9
      s2 ^= s0
      s3 ^= s1
      s1 ^= s2
      s0 ^= s3
      s2 ^= t
      s3 = (s3 << 11) | (s3 >>> 21)
      if (u < threshold) {
        spins[j] = -spins[j]
        stack[top++] = j
      }
    }
  }
  st[0] = s0
  st[1] = s1
  st[2] = s2
  st[3] = s3
  return top
}

function find(parent: Int32Array, i: number): number {
  let r = i
  while (parent[r] !== r) r = parent[r]
  while (parent[i] !== r) {
    const next = parent[i]
    parent[i] = r
    i = next
  }
  return r
}

/**
 * One Swendsen–Wang sweep (Swendsen & Wang, PRL 58, 86 (1987)): activate each satisfied bond
 * (`J_b s_i s_j > 0`) with probability `1 − e^{−2β|J_b|}`, find the clusters by union–find, and
 * flip each cluster C independently, with probability 1/2 at h = 0 and `1/(1 + e^{2βh M_C})`
 * otherwise (heat bath for the cluster in the field, `M_C = Σ_{i∈C} s_i`).
 *
 * @param model - the model
 * @param spins - ±1 spins, changed in place
 * @param options - β, rng, optional workspace
 * @returns the number of clusters
 * @throws InvalidArgumentError for a bad β, rng, spins or workspace
 * @example
 * ```ts
 * const clusters = swendsenWangSweep(model, spins, { beta: 0.44, rng })
 * ```
 */
export function swendsenWangSweep(model: IsingModel, spins: Int8Array, options: ClusterOptions): number {
  const op = 'swendsenWangSweep'
  checkSpinArray(op, model, spins)
  const { stack, mark: parent } = workspaceFor(op, model, options)
  const { beta, rng } = options
  const n = model.size
  const sizes = options.clusterSizes
  if (sizes !== undefined && (!(sizes instanceof Int32Array) || sizes.length < n)) {
    throw new InvalidArgumentError(
      op,
      'clusterSizes',
      `must be an Int32Array of length >= ${n}, got ${String((sizes as unknown as Int32Array | null)?.length)}`,
    )
  }
  for (let i = 0; i < n; i++) parent[i] = i
  const { bondI, bondJ, bondCoupling } = model
  for (let b = 0; b < bondI.length; b++) {
    const i = bondI[b]
    const j = bondJ[b]
    const a = bondCoupling[b] * spins[i] * spins[j]
    if (a <= 0) continue
    if (rng.nextFloat() < -Math.expm1(-2 * beta * a)) {
      const ri = find(parent, i)
      const rj = find(parent, j)
      if (ri !== rj) parent[ri] = rj
    }
  }
  // Cluster magnetisations M_C in `stack` (indexed by root), then one decision per root.
  stack.fill(0)
  for (let i = 0; i < n; i++) stack[find(parent, i)] += spins[i]
  const h = model.field
  let clusters = 0
  // Then overwrite each root's entry with its decision: −1 flips the cluster, +1 keeps it.
  for (let i = 0; i < n; i++) {
    if (parent[i] !== i) continue
    clusters++
    const p = h === 0 ? 0.5 : 1 / (1 + Math.exp(2 * beta * h * stack[i]))
    stack[i] = rng.nextFloat() < p ? -1 : 1
  }
  for (let i = 0; i < n; i++) spins[i] *= stack[find(parent, i)]
  if (sizes !== undefined) {
    // Sizes by root, then compacted in site order: entry c <= i is written only after it was read.
    sizes.fill(0, 0, n)
    for (let i = 0; i < n; i++) sizes[parent[i]]++
    let c = 0
    for (let i = 0; i < n; i++) if (parent[i] === i) sizes[c++] = sizes[i]
  }
  // Leave the marks zeroed, as wolffStep expects, so one workspace serves both updates.
  parent.fill(0)
  return clusters
}

/**
 * One Kawasaki sweep (Kawasaki 1966): N proposals, each picks a random site i and a random
 * neighbour j; if `s_i ≠ s_j` the two spins are exchanged with Metropolis probability
 * `min(1, e^{−βΔE})`. The magnetisation is conserved, so the chain samples the canonical
 * ensemble at fixed M.
 *
 * @param model - the model
 * @param spins - ±1 spins, changed in place
 * @param options - β and rng (order ignored)
 * @returns the number of accepted exchanges
 * @throws InvalidArgumentError for a bad β, rng or spins
 * @example
 * ```ts
 * kawasakiSweep(model, spins, { beta: 0.5, rng })
 * ```
 */
export function kawasakiSweep(model: IsingModel, spins: Int8Array, options: SweepOptions): number {
  const op = 'kawasakiSweep'
  checkSpinArray(op, model, spins)
  checkOptions(op, options)
  checkBeta(op, options.beta)
  checkRng(op, options.rng)
  const { beta, rng } = options
  const { offsets, neighbours, couplings } = model
  const n = model.size
  const field = (i: number): number => {
    let f = model.field
    for (let k = offsets[i]; k < offsets[i + 1]; k++) f += couplings[k] * spins[neighbours[k]]
    return f
  }
  let accepted = 0
  for (let q = 0; q < n; q++) {
    const i = rng.nextInt(n)
    const deg = offsets[i + 1] - offsets[i]
    if (deg === 0) continue
    const j = neighbours[offsets[i] + rng.nextInt(deg)]
    const si = spins[i]
    const sj = spins[j]
    if (si === sj) continue
    const dEi = 2 * si * field(i)
    spins[i] = -si
    const dE = dEi + 2 * sj * field(j)
    if (dE <= 0 || rng.nextFloat() < Math.exp(-beta * dE)) {
      spins[j] = -sj
      accepted++
    } else {
      spins[i] = si
    }
  }
  return accepted
}
