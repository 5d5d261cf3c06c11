export {
  reflowCouplings,
  trainReflow,
  type ReflowCouplings,
  type ReflowCouplingsOptions,
  type TrainReflowOptions,
} from './reflow'
export {
  validateImmMlpConfig,
  initImmMlp,
  immMlp,
  immFlowMap,
  flowMapSample,
  immMapping,
  immWeight,
  laplaceMmd,
  trainImm,
  type FlowMap,
  type ImmMlpConfig,
  type ImmMlpParams,
  type FlowMapSampleOptions,
  type ImmObjective,
  type TrainImmOptions,
} from './imm'
export type { FewStepTrainOptions, FewStepTrainResult } from './train-loop'
