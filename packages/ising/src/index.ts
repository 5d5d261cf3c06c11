/**
 * @packageDocumentation
 * Lattice spin models, spin glasses and Monte Carlo (Metropolis, heat bath, Wolff, Swendsen-Wang, parallel tempering) with exact results.
 */

/** The npm name of this package. */
export const packageName = '@gen/ising'
