/**
 * @packageDocumentation
 * `@gen/core-tensor/gpu`: the gpu.js backend. `createGpuBackend({ mode })` runs the tensor
 * primitives as gpu.js 2.24 kernels in its `webgpu` mode (WGSL compute shaders; in Node
 * through Dawn, see `setupNodeWebGpu`), its `webgl2` mode (fragment shaders on float32
 * textures, browsers only) or its `webasm` mode (WebAssembly SIMD); `chooseBackend()` takes
 * it where a hardware adapter exists and the cpu backend elsewhere. gpu.js and `webgpu` are
 * optional peer dependencies, loaded only by this subpath.
 */
export {
  createGpuBackend,
  type GpuBackend,
  type GpuBackendInfo,
  type GpuBackendOptions,
  type GpuFallback,
  type GpuMode,
} from './backend'
export { preferCpu, type PassedOver } from './auto'
export { chooseBackend, type BackendChoice } from './choose'
export { setupNodeWebGpu, type NodeWebGpu } from './node-setup'
