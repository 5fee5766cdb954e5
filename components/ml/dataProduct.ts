import * as pulumi from "@pulumi/pulumi";
import { buildFeatureSet } from "../../runtime/features";
import type { DomainStack } from "../core/domain";
import type { Pipeline } from "../streaming/pipeline";
import { FeatureGroup } from "./featureGroup";
import { FeatureIngestion } from "./featureIngestion";
import { InferenceEndpoint } from "./inferenceEndpoint";
import { ModelRegistry } from "./modelRegistry";
import { mlSettings, MlDomainConfigSchema, servedVariants } from "./settings";
import { StudioDomain } from "./studioDomain";
import { BatchTransform } from "./batchTransform";
import { BUILT_IN_ALGORITHM, TrainingPipeline } from "./trainingPipeline";

/** The ML layer of one data product, as a domain stack composes it. */
export interface MlDataProduct {
  readonly featureGroup: FeatureGroup;
  readonly ingestion: FeatureIngestion;
  readonly registry: ModelRegistry;
  readonly training: TrainingPipeline;
  /**
   * The A/B endpoint; absent until a variant names an approved model version
   * (`<domain>:ml.variants[i].modelVersion`): a fresh account has no approved version.
   */
  readonly endpoint?: InferenceEndpoint;
  /** Batch inference over the curated zone (`<domain>:ml.batchTransform`); scheduled once a version is set. */
  readonly batchTransform?: BatchTransform;
  readonly studio?: StudioDomain;
}

/** What a domain config with an ML section looks like (`<domain>:ml`, validated by `mlSettings`). */
export const MlConfigField = MlDomainConfigSchema.default({});

/**
 * The ML layer of a streaming data product, wired from the platform contract: a feature group
 * (online store with the ML key, offline store in the processed zone with its Glue table) fed by
 * a feature consumer of the product's stream; a model registry; a scheduled training pipeline
 * that registers versions above the AUC threshold; an A/B endpoint over approved versions with
 * data capture into the raw zone; a Studio domain behind `ml.studio`. Returns undefined when
 * `ml.enabled` is false (the `local` environment, which has no SageMaker emulator).
 */
export function mlDataProduct(
  dataProduct: string,
  domain: DomainStack<{ ml: Record<string, unknown> }>,
  pipeline: Pipeline,
): MlDataProduct | undefined {
  const environment = domain.settings.environment;
  const cfg = mlSettings(domain.name, environment, domain.config.ml);
  if (!cfg.enabled) return undefined;
  const p = domain.platform;
  const opts = { provider: domain.providers.primary };
  const spec = buildFeatureSet(dataProduct).spec;
  const lake = p.apply((x) => x.lake);
  const network = {
    subnetIds: p.apply((x) => x.subnetIds.private),
    securityGroupIds: p.apply((x) => [x.securityGroupIds.lambda]),
  };
  const mlKey = p.apply((x) => x.kmsKeyArns.ml);

  const featureGroup = new FeatureGroup(
    spec.name,
    {
      spec,
      onlineStoreKeyArn: mlKey,
      offlineStore: {
        bucketName: lake.apply((l) => l.buckets.processed.name),
        bucketArn: lake.apply((l) => l.buckets.processed.arn),
        kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
        database: lake.apply((l) => l.databases.processed),
      },
    },
    opts,
  );
  const ingestion = new FeatureIngestion(
    `${dataProduct}-features`,
    {
      dataProduct,
      stream: { arn: pipeline.stream.arn, kmsKeyArn: p.apply((x) => x.kmsKeyArns.streaming) },
      featureGroup: { name: featureGroup.featureGroupName, arn: featureGroup.arn, onlineStoreKeyArn: mlKey },
      rawZone: {
        bucketName: lake.apply((l) => l.buckets.raw.name),
        bucketArn: lake.apply((l) => l.buckets.raw.arn),
        kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
      },
      logsKeyArn: p.apply((x) => x.kmsKeyArns.logs),
      network,
      logRetentionDays: p.apply((x) => x.logRetentionDays),
      alarmTopicArn: p.apply((x) => x.alarmTopicArn),
    },
    opts,
  );
  const registry = new ModelRegistry(
    `${dataProduct}-propensity`,
    { description: `${spec.description}: purchase propensity (binary, XGBoost)` },
    opts,
  );
  const artifacts = {
    bucketName: lake.apply((l) => l.buckets.artifacts.name),
    bucketArn: lake.apply((l) => l.buckets.artifacts.arn),
    kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
  };
  const training = new TrainingPipeline(
    `${dataProduct}-training`,
    {
      spec,
      offlineStore: {
        uri: featureGroup.offlineStoreUri,
        bucketArn: lake.apply((l) => l.buckets.processed.arn),
        prefix: featureGroup.offlinePrefix,
        kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
      },
      artifacts,
      kmsKeyArn: mlKey,
      network,
      modelPackageGroup: { name: registry.groupName, arn: registry.arn },
      minAuc: cfg.minAuc,
      schedule: cfg.trainingSchedule,
      instanceType: cfg.trainingInstanceType,
      inferenceInstanceTypes: [...new Set(cfg.variants.map((v) => v.instanceType))],
      alarmTopicArn: p.apply((x) => x.alarmTopicArn),
    },
    opts,
  );
  const imageRepositoryArn = pulumi.interpolate`arn:aws:ecr:${p.apply((x) => x.region)}:${training.imageRegistryId}:repository/${BUILT_IN_ALGORITHM.repositoryName}`;
  const modelArtifacts = {
    bucketArn: artifacts.bucketArn,
    prefix: `${training.artifactsPrefix}models/`,
    kmsKeyArn: artifacts.kmsKeyArn,
  };
  const batch = cfg.batchTransform;
  const curated = {
    bucketName: lake.apply((l) => l.buckets.curated.name),
    bucketArn: lake.apply((l) => l.buckets.curated.arn),
    kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
  };
  const batchTransform = batch.enabled
    ? new BatchTransform(
        `${dataProduct}-batch-inference`,
        {
          modelPackageGroupArn: registry.arn,
          ...(batch.modelVersion !== undefined
            ? { modelPackageArn: registry.modelPackageArn(batch.modelVersion) }
            : {}),
          input: { ...curated, prefix: `ml/batch-input/${dataProduct}/` },
          output: { ...curated, prefix: `ml/batch-predictions/${dataProduct}/` },
          modelArtifacts,
          imageRepositoryArn,
          kmsKeyArn: mlKey,
          network,
          schedule: batch.schedule,
          instanceType: batch.instanceType,
          instanceCount: batch.instanceCount,
          alarmTopicArn: p.apply((x) => x.alarmTopicArn),
        },
        opts,
      )
    : undefined;
  const served = servedVariants(cfg.variants);
  const endpoint = served.length
    ? new InferenceEndpoint(
        `${dataProduct}-inference`,
        {
          variants: served.map((v) => ({
            name: v.name,
            weight: v.weight,
            modelPackageArn: registry.modelPackageArn(v.modelVersion),
            instanceType: v.instanceType,
            minInstances: v.minInstances,
            maxInstances: v.maxInstances,
          })),
          minInstancesPerVariant: environment === "prod" ? 2 : 1,
          kmsKeyArn: mlKey,
          network,
          modelArtifacts,
          imageRepositoryArn,
          dataCapture: {
            bucketName: lake.apply((l) => l.buckets.raw.name),
            bucketArn: lake.apply((l) => l.buckets.raw.arn),
            kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
            prefix: `ml/data-capture/${dataProduct}/`,
            samplingPercent: cfg.dataCapturePercent,
          },
          invocationsPerInstance: cfg.invocationsPerInstance,
          alarmThresholds: { modelLatencyMs: cfg.latencyAlarmMs },
          alarmTopicArn: p.apply((x) => x.alarmTopicArn),
        },
        opts,
      )
    : undefined;
  const studio = cfg.studio
    ? new StudioDomain(
        `${dataProduct}-studio`,
        {
          vpcId: p.apply((x) => x.vpcId),
          subnetIds: network.subnetIds,
          securityGroupIds: network.securityGroupIds,
          kmsKeyArn: mlKey,
          offlineStore: {
            bucketArn: lake.apply((l) => l.buckets.processed.arn),
            prefix: featureGroup.offlinePrefix,
            kmsKeyArn: lake.apply((l) => l.kmsKeyArn),
          },
          featureGroupArn: featureGroup.arn,
          pipelineArn: training.pipeline.arn,
          modelPackageGroupArn: registry.arn,
        },
        opts,
      )
    : undefined;
  registry.allow({
    readerArns: [
      training.role.arn,
      ...(endpoint ? [endpoint.role.arn] : []),
      ...(batchTransform ? [batchTransform.role.arn] : []),
    ],
    approverArns: [...cfg.approverArns, ...(studio ? [studio.role.arn] : [])],
  });
  return {
    featureGroup,
    ingestion,
    registry,
    training,
    ...(endpoint ? { endpoint } : {}),
    ...(batchTransform ? { batchTransform } : {}),
    ...(studio ? { studio } : {}),
  };
}
