// Average test log-likelihood in nats, (1/N) Σ_n ln p(v_n) = −(1/N) Σ_n F(v_n) − ln Z, with ln Z
// exact (enumeration of the smaller layer) or from AIS. The result names where ln Z came from
// and the binarisation protocol of the data, because neither may be mixed silently: an AIS
// estimate with a tiny ESS can be far off, and log-likelihoods of different binarisations
// differ by many nats.
import { InvalidArgumentError, checkOptions } from '@gen/core-tensor'

import { MAX_RBM_ENUMERATED_UNITS, rbmFreeEnergy, rbmLogPartition, type Rbm } from '../rbm'
import { checkBinaryRows } from '../internal/numeric'
import type { AisEstimate } from './annealed-importance-sampling'
import type { BinarizedImages } from './binarize'

/**
 * Result of {@link rbmAverageLogLikelihood}.
 *
 * @example
 * ```ts
 * const { nats, logZSource, effectiveSampleSize } = rbmAverageLogLikelihood(rbm, test)
 * ```
 */
export interface RbmAverageLogLikelihood {
  /** (1/N) Σ_n ln p(v_n) in nats per image. */
  readonly nats: number
  /** The ln Z used. */
  readonly logZ: number
  /** `'exact'` (enumeration) or `'ais'`. */
  readonly logZSource: 'exact' | 'ais'
  /** Standard error of ln Z (0 when exact); it shifts every ln p(v_n) alike. */
  readonly logZStdErr: number
  /** The AIS importance-weight ESS (undefined when exact): trust an AIS likelihood only with a healthy ESS. */
  readonly effectiveSampleSize: number | undefined
  /** Mean free energy (1/N) Σ F(v_n). */
  readonly meanFreeEnergy: number
  /** N. */
  readonly count: number
  /** The data's binarisation protocol, or `'unspecified'` for a raw 0/1 array. */
  readonly protocol: string
}

/**
 * Average log-likelihood of binary data in nats: exact when the smaller layer has at most
 * {@link MAX_RBM_ENUMERATED_UNITS} units and no AIS estimate is given, else from the AIS
 * estimate ({@link rbmAis}), whose spread and ESS the result carries.
 *
 * @param rbm - the RBM
 * @param data - binary data: {@link BinarizedImages} (its protocol is reported) or a raw [N, V] 0/1 array
 * @param options - `ais`: an AIS estimate of this RBM's ln Z (required when both layers exceed 25 units)
 * @returns {@link RbmAverageLogLikelihood}
 * @throws InvalidArgumentError for non-binary data, or when Z cannot be enumerated and no AIS estimate is given
 * @example
 * ```ts
 * const test = binarizeStochastic(mnist.test.images, key(9002))
 * rbmAverageLogLikelihood(rbm20, test).nats // exact ln Z: e.g. −170
 * const ais = rbmAis(rbm500, { key: key(1), baseVisibleBias })
 * rbmAverageLogLikelihood(rbm500, test, { ais }) // nats, with ais.effectiveSampleSize
 * ```
 */
export function rbmAverageLogLikelihood(
  rbm: Rbm,
  data: BinarizedImages | ArrayLike<number>,
  options: { readonly ais?: AisEstimate } = {},
): RbmAverageLogLikelihood {
  const op = 'rbmAverageLogLikelihood'
  checkOptions(op, options)
  const tagged = 'protocol' in data && 'values' in data
  const values: ArrayLike<number> = tagged ? data.values : data
  const count = checkBinaryRows(op, 'data', values, rbm.numVisible)
  const { ais } = options
  let logZ: number
  if (ais !== undefined) {
    if (!Number.isFinite(ais.logZ)) {
      throw new InvalidArgumentError(op, 'ais', `must carry a finite logZ, got ${ais.logZ}`)
    }
    logZ = ais.logZ
  } else if (Math.min(rbm.numVisible, rbm.numHidden) <= MAX_RBM_ENUMERATED_UNITS) {
    logZ = rbmLogPartition(rbm)
  } else {
    throw new InvalidArgumentError(
      op,
      'options.ais',
      `must be given when both layers exceed ${MAX_RBM_ENUMERATED_UNITS} units (exact ln Z is out of reach), got V = ${rbm.numVisible}, H = ${rbm.numHidden} and no AIS estimate`,
    )
  }
  const free = rbmFreeEnergy(rbm, values)
  let meanFreeEnergy = 0
  for (const f of free) meanFreeEnergy += f / count
  return {
    nats: -meanFreeEnergy - logZ,
    logZ,
    logZSource: ais === undefined ? 'exact' : 'ais',
    logZStdErr: ais?.logZStdErr ?? 0,
    effectiveSampleSize: ais?.effectiveSampleSize,
    meanFreeEnergy,
    count,
    protocol: tagged ? data.protocol : 'unspecified',
  }
}
