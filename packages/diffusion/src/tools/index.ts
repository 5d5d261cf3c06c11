export { forwardProcessFrames, type ForwardFramesOptions } from './forward-frames'
export {
  sampleTrajectory,
  type SampleTrajectoryOptions,
  type Trajectory,
  type TrajectoryStart,
} from './trajectory'
export { vectorFieldGrid, type VectorFieldGrid, type VectorFieldGridOptions } from './vector-field'
