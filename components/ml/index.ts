export { BatchTransform, type BatchTransformArgs, batchTransformRolePolicy } from "./batchTransform";
export { FeatureGroup, type FeatureGroupArgs, type OfflineStoreRef, offlineTableName } from "./featureGroup";
export { FeatureIngestion, type FeatureIngestionArgs } from "./featureIngestion";
export {
  InferenceEndpoint,
  type InferenceEndpointArgs,
  type VariantArgs,
  resolveVariants,
  WEIGHT_TOTAL,
} from "./inferenceEndpoint";
export {
  ModelRegistry,
  type ModelRegistryArgs,
  type RegistryAccess,
  packagesArnOf,
  registryPolicy,
} from "./modelRegistry";
export {
  BATCH_STEPS,
  batchTransformDefinition,
  EVALUATION,
  STEPS,
  trainingPipelineDefinition,
} from "./pipelineDefinition";
export { StudioDomain, type StudioDomainArgs } from "./studioDomain";
export {
  BUILT_IN_ALGORITHM,
  HYPER_PARAMETERS,
  TrainingPipeline,
  type TrainingPipelineArgs,
  trainingRolePolicy,
} from "./trainingPipeline";
