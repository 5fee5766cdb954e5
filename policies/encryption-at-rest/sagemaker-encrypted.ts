import { resourcePolicy } from "../lib/policy";
import { argument, failingSteps, pipelineSteps } from "../lib/sagemaker";
import { present, raw } from "../lib/values";

const FEATURE_GROUP = "aws:sagemaker/featureGroup:FeatureGroup";
const ENDPOINT_CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";
const DOMAIN = "aws:sagemaker/domain:Domain";
const PIPELINE = "aws:sagemaker/pipeline:Pipeline";

export const sagemakerEncrypted = resourcePolicy({
  name: "sagemaker-encrypted",
  description:
    "SageMaker feature groups, endpoint configurations (and their data capture), notebooks, Studio domains and pipeline jobs (transform jobs included) encrypt their storage with a customer managed key.",
  severity: "high",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set offlineStoreConfig.s3StorageConfig.kmsKeyId and onlineStoreConfig.securityConfig.kmsKeyId on feature groups, kmsKeyArn and dataCaptureConfig.kmsKeyId on endpoint configurations, kmsKeyId on notebooks and Studio domains, volume and output KmsKeyIds on pipeline jobs (Transform steps: TransformResources.VolumeKmsKeyId and TransformOutput.KmsKeyId).",
  resourceTypes: [FEATURE_GROUP, ENDPOINT_CONFIGURATION, NOTEBOOK, DOMAIN, PIPELINE],
  rules: [
    {
      id: "offline-store",
      check: ({ type, props }) =>
        type === FEATURE_GROUP &&
        present(props, "offlineStoreConfig") &&
        !present(props, "offlineStoreConfig", "s3StorageConfig", "kmsKeyId")
          ? "Set offlineStoreConfig.s3StorageConfig.kmsKeyId."
          : undefined,
    },
    {
      id: "online-store",
      check: ({ type, props }) =>
        type === FEATURE_GROUP &&
        present(props, "onlineStoreConfig") &&
        !present(props, "onlineStoreConfig", "securityConfig", "kmsKeyId")
          ? "Set onlineStoreConfig.securityConfig.kmsKeyId."
          : undefined,
    },
    {
      id: "endpoint",
      check: ({ type, props }) =>
        type === ENDPOINT_CONFIGURATION && !present(props, "kmsKeyArn")
          ? "Set kmsKeyArn on the endpoint configuration."
          : undefined,
    },
    {
      id: "data-capture",
      check: ({ type, props }) =>
        type === ENDPOINT_CONFIGURATION &&
        present(props, "dataCaptureConfig") &&
        raw((raw(props.dataCaptureConfig) as Record<string, unknown>).enableCapture) !== false &&
        !present(props, "dataCaptureConfig", "kmsKeyId")
          ? "Set dataCaptureConfig.kmsKeyId."
          : undefined,
    },
    {
      id: "domain",
      check: ({ type, props }) =>
        type === DOMAIN && !present(props, "kmsKeyId") ? "Set kmsKeyId on the Studio domain." : undefined,
    },
    {
      id: "pipeline-jobs",
      check: ({ type, props }) => {
        if (type !== PIPELINE) return undefined;
        const steps = pipelineSteps(props);
        const bad = [
          ...failingSteps(
            steps,
            "Training",
            (s) =>
              !argument(s, "ResourceConfig", "VolumeKmsKeyId") ||
              !argument(s, "OutputDataConfig", "KmsKeyId"),
          ),
          ...failingSteps(
            steps,
            "Transform",
            (s) =>
              !argument(s, "TransformResources", "VolumeKmsKeyId") ||
              !argument(s, "TransformOutput", "KmsKeyId"),
          ),
          ...failingSteps(
            steps,
            "Processing",
            (s) =>
              !argument(s, "ProcessingResources", "ClusterConfig", "VolumeKmsKeyId") ||
              !argument(s, "ProcessingOutputConfig", "KmsKeyId"),
          ),
        ];
        return bad.length ? `Steps ${bad.join(", ")}: set the volume and output KmsKeyId.` : undefined;
      },
    },
    {
      id: "notebook",
      check: ({ type, props }) =>
        type === NOTEBOOK && !present(props, "kmsKeyId")
          ? "Set kmsKeyId on the notebook instance."
          : undefined,
    },
  ],
});
