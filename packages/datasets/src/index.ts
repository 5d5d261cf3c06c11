/**
 * @packageDocumentation
 * MNIST (IDX) loading, toy 2-D distributions, binary patterns and text corpora for gen models.
 * This entry runs in browsers and Node; the file readers live in `@gen/datasets/node`.
 */

/** The npm name of this package. */
export const packageName = '@gen/datasets'

export { DatasetsError, IdxFormatError, InvalidArgumentError, MissingDependencyError } from './errors.js'
export type { DatasetsErrorCode } from './errors.js'
export { decodeIdxData, encodeIdx, parseIdx, parseIdxHeader } from './idx.js'
export type { IdxArray, IdxDataType, IdxHeader, IdxTypedArray } from './idx.js'
export { labeledImages, labeledImagesFromIdx } from './labeled-images.js'
export type { LabeledImages } from './labeled-images.js'
export {
  binarize,
  binarizeStochastic,
  classCounts,
  downsample,
  oneHot,
  splitTrainValidation,
  subset,
  take,
  toFloat,
  toSpins,
} from './views.js'
export { batchCount, batches, batchesAsync } from './batches.js'
export type { BatchOptions, ImageBatch } from './batches.js'
export {
  checkerboard,
  eightGaussians,
  rings,
  swissRoll,
  toyDistribution,
  twentyFiveGaussians,
  twoMoons,
} from './toy2d.js'
export type { ToyDistribution, ToyDistributionName } from './toy2d.js'
export { flipSpins, glyphAlphabet, glyphPatterns, imageSpinPatterns, randomSpinPatterns } from './patterns.js'
export type { SpinPatterns } from './patterns.js'
export { agreementGrammar, arithmeticGrammar, corruptSentence } from './text/grammar.js'
export type { Grammar } from './text/grammar.js'
export { byteTokenizer, charTokenizer, tokenizeText } from './text/tokenizer.js'
export type { Tokenizer } from './text/tokenizer.js'
