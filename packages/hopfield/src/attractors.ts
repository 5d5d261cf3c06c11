import {
  checkOptions,
  InvalidArgumentError,
  fold,
  permutation,
  randomBits,
  split,
  type Key,
} from '@gen/core-tensor'
import { flipBits } from './corruption'
import { asyncPass, cachedEnergy, startFields } from './internal/fields'
import {
  checkFinite,
  checkInRange,
  checkKey,
  checkPositiveInteger,
  describeValue,
  isList,
} from './internal/validate'
import {
  createNetwork,
  pseudoInverseNetwork,
  storeHebbian,
  storeStorkey,
  type HopfieldNetwork,
} from './network'
import { overlapOf, randomPatterns } from './patterns'
import type { LearningRule } from './experiments'

function storeWith(rule: LearningRule, size: number, patterns: Int8Array[]): HopfieldNetwork {
  if (rule === 'hebbian') return storeHebbian(createNetwork(size), patterns)
  if (rule === 'storkey') return storeStorkey(createNetwork(size), patterns)
  return pseudoInverseNetwork(patterns)
}

function checkRule(op: string, rule: string): asserts rule is LearningRule {
  if (rule !== 'hebbian' && rule !== 'storkey' && rule !== 'pseudo-inverse') {
    throw new InvalidArgumentError(
      op,
      'rule',
      `must be 'hebbian', 'storkey' or 'pseudo-inverse', got ${rule}`,
    )
  }
}

function checkPositiveList(
  op: string,
  name: string,
  list: readonly number[],
  range?: [number, number],
): void {
  if (!isList(list) || list.length === 0) {
    throw new InvalidArgumentError(op, name, `must be a non-empty list, got ${describeValue(list)}`)
  }
  for (const v of list) {
    if (range === undefined) {
      checkFinite(op, name, v)
      if (!(v > 0)) throw new InvalidArgumentError(op, name, `must hold values > 0, got ${v}`)
    } else checkInRange(op, name, v, range)
  }
}

/** Runs zero-temperature asynchronous sweeps in keyed random orders to a fixed point. */
function settle(net: HopfieldNetwork, start: Int8Array, k: Key, maxSweeps: number) {
  const fs = startFields(net, start)
  for (let t = 0; t < maxSweeps; t++) if (asyncPass(fs, permutation(fold(k, t), net.size)) === 0) break
  return fs
}

/** Options of {@link basinCurve}. */
export interface BasinOptions {
  /** Number of units N. */
  size: number
  /** Loads α = P/N. */
  loads: readonly number[]
  /** Probe corruption levels d (share of bits flipped), increasing, in [0, 0.5]. */
  flipFractions: readonly number[]
  /** Root key. */
  key: Key
  /** Pattern sets per load; default 1. */
  trials?: number
  /** Probes per pattern set and level (patterns 0, 1, ...); default min(P, 20). */
  probesPerTrial?: number
  /** Final overlap that counts as retrieved; default 0.95. */
  overlapThreshold?: number
  /** Storage rule; default `'hebbian'`. */
  rule?: LearningRule
}

/** One load of {@link basinCurve}. */
export interface BasinPoint {
  /** α. */
  load: number
  /** P. */
  patterns: number
  /** The corruption levels, as given. */
  flipFractions: number[]
  /** For each level, the share of probes that ended with overlap ≥ threshold. */
  retrievedFractions: number[]
  /**
   * Basin radius: the corruption level where the retrieved share falls through 1/2, linearly
   * interpolated between levels (0 when even the smallest level fails, the largest level when none fails).
   */
  basinRadius: number
}

/**
 * Size of the basins of attraction against load, ready to plot: probes at increasing distance d
 * (a share of bits flipped) from stored patterns run to a fixed point, and the radius is the d
 * at which half of them no longer come back. The basins shrink as α grows and vanish near
 * α_c ≈ 0.138 for Hebbian storage; the pseudo-inverse and Storkey rules keep wider basins
 * (Amit, Gutfreund and Sompolinsky 1987; Storkey 1997; Kanter and Sompolinsky 1987).
 *
 * @param options - size, loads, flipFractions, key and protocol settings
 * @returns one {@link BasinPoint} per load
 * @throws InvalidArgumentError on a bad size, load, level, count, rule or key
 * @example
 * ```ts
 * basinCurve({ size: 200, loads: [0.02, 0.08, 0.14], flipFractions: [0.05, 0.1, 0.2, 0.3, 0.4], key: key(0) })
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1987), Ann. Phys. 173, 30; Hertz, Krogh and Palmer (1991), §2.5.
 */
export function basinCurve(options: BasinOptions): BasinPoint[] {
  checkOptions('basinCurve', options)
  const op = 'basinCurve'
  const { size } = options
  checkPositiveInteger(op, 'size', size)
  checkKey(op, 'key', options.key)
  checkPositiveList(op, 'loads', options.loads)
  checkPositiveList(op, 'flipFractions', options.flipFractions, [0, 0.5])
  for (let i = 1; i < options.flipFractions.length; i++) {
    if (!(options.flipFractions[i] > options.flipFractions[i - 1])) {
      throw new InvalidArgumentError(
        op,
        'flipFractions',
        `must increase, got ${options.flipFractions[i - 1]} then ${options.flipFractions[i]}`,
      )
    }
  }
  const trials = options.trials ?? 1
  checkPositiveInteger(op, 'trials', trials)
  if (options.probesPerTrial !== undefined) checkPositiveInteger(op, 'probesPerTrial', options.probesPerTrial)
  const threshold = options.overlapThreshold ?? 0.95
  checkInRange(op, 'overlapThreshold', threshold, [-1, 1])
  const rule = options.rule ?? 'hebbian'
  checkRule(op, rule)
  const levels = [...options.flipFractions]
  return options.loads.map((load, li) => {
    const patterns = Math.max(1, Math.round(load * size))
    const hits = new Float64Array(levels.length)
    let probes = 0
    for (let trial = 0; trial < trials; trial++) {
      const [patternKey, probeKey, orderKey] = split(fold(fold(options.key, li), trial), 3)
      const xs = randomPatterns(patternKey, patterns, size)
      const net = storeWith(rule, size, xs)
      const count = Math.min(patterns, options.probesPerTrial ?? 20)
      probes += count
      for (let mu = 0; mu < count; mu++) {
        levels.forEach((d, level) => {
          const probe = flipBits(xs[mu], d, fold(fold(probeKey, mu), level))
          const fs = settle(net, probe, fold(fold(orderKey, mu), level), 100)
          if (overlapOf(fs.s, xs[mu]) >= threshold) hits[level]++
        })
      }
    }
    const retrievedFractions = Array.from(hits, (h) => h / probes)
    return {
      load,
      patterns,
      flipFractions: levels,
      retrievedFractions,
      basinRadius: radius(levels, retrievedFractions),
    }
  })
}

function radius(levels: number[], fractions: number[]): number {
  if (fractions[0] < 0.5) return 0
  for (let i = 1; i < levels.length; i++) {
    if (fractions[i] < 0.5) {
      const t = (fractions[i - 1] - 0.5) / (fractions[i - 1] - fractions[i])
      return levels[i - 1] + t * (levels[i] - levels[i - 1])
    }
  }
  return levels[levels.length - 1]
}

/** What a fixed point reached from a random start is. */
export type AttractorKind = 'pattern' | 'reversed' | 'mixture' | 'other'

/** Options of {@link spuriousCensus}. */
export interface SpuriousCensusOptions {
  /** Number of units N. */
  size: number
  /** Number of stored random patterns P. */
  patternCount: number
  /** Root key. */
  key: Key
  /** Random starting states; default 200. */
  starts?: number
  /** Storage rule; default `'hebbian'`. */
  rule?: LearningRule
  /** |overlap| that identifies a pattern or its reverse; default 0.9. */
  patternThreshold?: number
}

/** One fixed point class of {@link spuriousCensus}. */
export interface AttractorClass {
  /** The kind. */
  kind: AttractorKind
  /** For mixtures, the number of patterns mixed (3, 5, ...); 1 for patterns and reversed patterns; 0 otherwise. */
  order: number
  /** Share of random starts that ended here. */
  fraction: number
  /** Mean energy per unit E/N of these fixed points. */
  meanEnergyPerUnit: number
  /** Mean of the sorted largest |overlaps| (as many as `order`, at least 1). */
  meanTopOverlaps: number[]
}

/** Result of {@link spuriousCensus}. */
export interface SpuriousCensus {
  /** Starts run. */
  starts: number
  /** Distinct fixed points reached. */
  distinctFixedPoints: number
  /** Counts by class, in the order pattern, reversed, mixtures by order, other. */
  classes: AttractorClass[]
}

/**
 * Census of the attractors reached from random states: each start runs to a fixed point,
 * which is classified by its overlaps m_μ with the stored patterns as a stored pattern
 * (m_μ ≥ threshold), a reversed pattern (m_μ ≤ −threshold, a minimum because E(−s) = E(s)),
 * an odd mixture sign(±ξ_a ± ξ_b ± ξ_c …) of 3 or 5 patterns (the state agrees with the sign of
 * the signed sum of its top |m| patterns on ≥ 90% of units), or other (spin-glass) states.
 * At low load the symmetric 3-mixtures have |m| = ½ for each component and energy −3N/8
 * against −N/2 for the patterns (Amit, Gutfreund and Sompolinsky 1985).
 *
 * @param options - size, patternCount, key, starts, rule, patternThreshold
 * @returns the classes with their shares, energies and overlaps
 * @throws InvalidArgumentError on a bad size, count, threshold, rule or key
 * @example
 * ```ts
 * spuriousCensus({ size: 500, patternCount: 5, key: key(0) }).classes
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. A 32, 1007 (mixture states).
 */
export function spuriousCensus(options: SpuriousCensusOptions): SpuriousCensus {
  checkOptions('spuriousCensus', options)
  const op = 'spuriousCensus'
  const { size, patternCount } = options
  checkPositiveInteger(op, 'size', size)
  checkPositiveInteger(op, 'patternCount', patternCount)
  checkKey(op, 'key', options.key)
  const starts = options.starts ?? 200
  checkPositiveInteger(op, 'starts', starts)
  const rule = options.rule ?? 'hebbian'
  checkRule(op, rule)
  const threshold = options.patternThreshold ?? 0.9
  checkInRange(op, 'patternThreshold', threshold, [0, 1])
  const [patternKey, startKey, orderKey] = split(options.key, 3)
  const xs = randomPatterns(patternKey, patternCount, size)
  const net = storeWith(rule, size, xs)
  const groups = new Map<
    string,
    { kind: AttractorKind; order: number; count: number; energy: number; tops: number[] }
  >()
  const seen = new Set<string>()
  for (let s = 0; s < starts; s++) {
    const bits = randomBits(fold(startKey, s), size)
    const start = Int8Array.from(bits, (b) => (b >>> 31 ? 1 : -1))
    const fs = settle(net, start, fold(orderKey, s), 200)
    seen.add(fs.s.join(''))
    const m = xs.map((x) => overlapOf(fs.s, x))
    const byMagnitude = m.map((v, mu) => mu).sort((a, b) => Math.abs(m[b]) - Math.abs(m[a]))
    let kind: AttractorKind = 'other'
    let order = 0
    const top = m[byMagnitude[0]]
    if (top >= threshold) [kind, order] = ['pattern', 1]
    else if (top <= -threshold) [kind, order] = ['reversed', 1]
    else {
      for (const k of [3, 5]) {
        if (k > patternCount) break
        let agree = 0
        for (let i = 0; i < size; i++) {
          let sum = 0
          for (let j = 0; j < k; j++) {
            const mu = byMagnitude[j]
            sum += Math.sign(m[mu]) * xs[mu][i]
          }
          if (Math.sign(sum) === fs.s[i]) agree++
        }
        if (agree >= 0.9 * size) {
          ;[kind, order] = ['mixture', k]
          break
        }
      }
    }
    const id = `${kind}:${order}`
    const group = groups.get(id) ?? {
      kind,
      order,
      count: 0,
      energy: 0,
      tops: new Array<number>(Math.max(order, 1)).fill(0),
    }
    group.count++
    group.energy += cachedEnergy(fs) / size
    group.tops.forEach((_, j) => (group.tops[j] += Math.abs(m[byMagnitude[j]])))
    groups.set(id, group)
  }
  const rank = (g: { kind: AttractorKind; order: number }): number =>
    g.kind === 'pattern' ? 0 : g.kind === 'reversed' ? 1 : g.kind === 'mixture' ? 1 + g.order : 100
  const classes = [...groups.values()]
    .sort((a, b) => rank(a) - rank(b))
    .map((g) => ({
      kind: g.kind,
      order: g.order,
      fraction: g.count / starts,
      meanEnergyPerUnit: g.energy / g.count,
      meanTopOverlaps: g.tops.map((t) => t / g.count),
    }))
  return { starts, distinctFixedPoints: seen.size, classes }
}
