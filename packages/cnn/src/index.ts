/**
 * @packageDocumentation
 * Convolutional networks (LeNet-5, AlexNet-style, ResNet blocks), receptive fields and classifier-based sample metrics.
 */

/** The npm name of this package. */
export const packageName = '@gen/cnn'
