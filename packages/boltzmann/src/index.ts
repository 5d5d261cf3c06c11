/**
 * @packageDocumentation
 * Boltzmann machines, RBMs and deep belief networks with exact and AIS log-likelihoods.
 */

/** The npm name of this package. */
export const packageName = '@gen/boltzmann'
