/**
 * @packageDocumentation
 * MNIST (IDX) loading, toy 2-D distributions, binary patterns and text corpora for gen models.
 */

/** The npm name of this package. */
export const packageName = '@gen/datasets'
