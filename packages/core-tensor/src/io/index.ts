/**
 * @packageDocumentation
 * Safetensors read and write (`@gen/core-tensor/io`): the format PyTorch, JAX and diffusers
 * read, so weights move both ways between gen and the Python world.
 */
export {
  encodeSafetensors,
  decodeSafetensors,
  type SafetensorsDType,
  type SafetensorsArray,
  type SafetensorsEntry,
  type SafetensorsContents,
} from './safetensors'
