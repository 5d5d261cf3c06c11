/**
 * @packageDocumentation
 * `@gen/core-tensor/gpu`: the gpu.js backend. `createGpuBackend({ mode })` runs the tensor
 * primitives as gpu.js 2.24 kernels in its `webgpu` mode (WGSL compute shaders; in Node
 * through Dawn, see `setupNodeWebGpu`) or its `webasm` mode (WebAssembly SIMD). gpu.js and
 * `webgpu` are optional peer dependencies, loaded only by this subpath.
 */
export {
  createGpuBackend,
  type GpuBackend,
  type GpuBackendInfo,
  type GpuBackendOptions,
  type GpuFallback,
  type GpuMode,
} from './backend'
export { setupNodeWebGpu, type NodeWebGpu } from './node-setup'
