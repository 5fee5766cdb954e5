import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

const FEATURE_GROUP = "aws:sagemaker/featureGroup:FeatureGroup";
const ENDPOINT_CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";

export const sagemakerEncrypted = resourcePolicy({
  name: "sagemaker-encrypted",
  description:
    "SageMaker feature groups, endpoint configurations and notebooks encrypt their storage with a customer managed key.",
  severity: "high",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set offlineStoreConfig.s3StorageConfig.kmsKeyId and onlineStoreConfig.securityConfig.kmsKeyId on feature groups, kmsKeyArn on endpoint configurations, kmsKeyId on notebooks.",
  resourceTypes: [FEATURE_GROUP, ENDPOINT_CONFIGURATION, NOTEBOOK],
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
      id: "notebook",
      check: ({ type, props }) =>
        type === NOTEBOOK && !present(props, "kmsKeyId")
          ? "Set kmsKeyId on the notebook instance."
          : undefined,
    },
  ],
});
