/**
 * @packageDocumentation
 * Associative memories: classic Hopfield networks, dense associative memory and the modern Hopfield layer.
 */

/** The npm name of this package. */
export const packageName = '@gen/hopfield'
