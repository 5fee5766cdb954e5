/**
 * IAM action lists of the ML layer. Roles combine them with scoped resources (one feature group,
 * one model package group, one pipeline, lake prefixes, one KMS key); none of them is a
 * SageMaker-wide wildcard, and no role gets `AmazonSageMakerFullAccess`.
 */

/** Feature ingestion (the stream consumer): write records into its feature group. */
export const FEATURE_WRITE_ACTIONS = ["sagemaker:PutRecord"] as const;

/** Online reads (the inference API): read the latest record of a visitor. */
export const FEATURE_READ_ACTIONS = ["sagemaker:GetRecord", "sagemaker:BatchGetRecord"] as const;

/**
 * KMS actions a PutRecord / GetRecord / DeleteRecord caller needs on the online store's key
 * (API reference, OnlineStoreSecurityConfig: `kms:Decrypt` only).
 */
export const ONLINE_STORE_KEY_ACTIONS = ["kms:Decrypt"] as const;

/** Feature Store's offline-store role: write Parquet files under its prefix. */
export const OFFLINE_STORE_S3_ACTIONS = [
  "s3:PutObject",
  "s3:GetObject",
  "s3:GetBucketAcl",
  "s3:GetObjectAcl",
] as const;

/** Feature Store's offline-store role: register and update its Glue table. */
export const OFFLINE_STORE_GLUE_ACTIONS = [
  "glue:GetTable",
  "glue:CreateTable",
  "glue:UpdateTable",
  "glue:GetDatabase",
  "glue:BatchCreatePartition",
  "glue:CreatePartition",
  "glue:GetPartition",
  "glue:BatchGetPartition",
] as const;

/** KMS actions to write and read SSE-KMS objects and encrypt volumes. */
export const KEY_DATA_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:GenerateDataKey",
  "kms:DescribeKey",
] as const;

/** SageMaker creates grants on the volume key for the instances of a job or an endpoint. */
export const KEY_GRANT_ACTIONS = ["kms:CreateGrant"] as const;

/** Pulling SageMaker's built-in algorithm images (the repositories live in AWS accounts). */
export const ECR_PULL_ACTIONS = [
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchCheckLayerAvailability",
] as const;

/** ECR login: AWS offers no resource-level scoping for it. */
export const ECR_AUTH_ACTIONS = ["ecr:GetAuthorizationToken"] as const;

/** Jobs and endpoints in a VPC: network interfaces (no resource-level scoping for the Describe calls). */
export const VPC_ACCESS_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:CreateNetworkInterfacePermission",
  "ec2:DeleteNetworkInterface",
  "ec2:DeleteNetworkInterfacePermission",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeVpcs",
  "ec2:DescribeDhcpOptions",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
] as const;

/** Writing a job's or endpoint's logs (scoped to `/aws/sagemaker/*` log groups of the account). */
export const LOG_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
] as const;

/** Metrics of jobs and endpoints (CloudWatch has no resource-level scoping for PutMetricData). */
export const METRIC_ACTIONS = ["cloudwatch:PutMetricData"] as const;

/** The pipeline's role: run and watch its own processing and training jobs. */
export const PIPELINE_JOB_ACTIONS = [
  "sagemaker:CreateProcessingJob",
  "sagemaker:DescribeProcessingJob",
  "sagemaker:StopProcessingJob",
  "sagemaker:CreateTrainingJob",
  "sagemaker:DescribeTrainingJob",
  "sagemaker:StopTrainingJob",
  "sagemaker:AddTags",
] as const;

/** The batch inference pipeline's role: create its models and run its transform jobs. */
export const BATCH_TRANSFORM_ACTIONS = [
  "sagemaker:CreateModel",
  "sagemaker:DescribeModel",
  "sagemaker:CreateTransformJob",
  "sagemaker:DescribeTransformJob",
  "sagemaker:StopTransformJob",
  "sagemaker:AddTags",
] as const;
/** Creating a model from a registry version reads the version. */
export const MODEL_PACKAGE_READ_ACTIONS = ["sagemaker:DescribeModelPackage"] as const;
/** The pipeline's role: register model versions in its model package group. */
export const REGISTER_MODEL_ACTIONS = [
  "sagemaker:CreateModelPackage",
  "sagemaker:DescribeModelPackage",
  "sagemaker:DescribeModelPackageGroup",
  "sagemaker:AddTags",
] as const;

/** Jobs are started with the pipeline's own role. */
export const PASS_ROLE_ACTIONS = ["iam:PassRole"] as const;

/** EventBridge's role: start executions of one pipeline. */
export const START_PIPELINE_ACTIONS = ["sagemaker:StartPipelineExecution"] as const;

/** Who may read a model package group (resource policy): describe and list its versions. */
export const MODEL_REGISTRY_READ_ACTIONS = [
  "sagemaker:DescribeModelPackage",
  "sagemaker:DescribeModelPackageGroup",
  "sagemaker:ListModelPackages",
] as const;

/** Who may approve versions (resource policy): change a version's approval status. */
export const MODEL_REGISTRY_APPROVE_ACTIONS = ["sagemaker:UpdateModelPackage"] as const;

/** The inference API: invoke one endpoint (any variant, or one by `TargetVariant`). */
export const INVOKE_ENDPOINT_ACTIONS = ["sagemaker:InvokeEndpoint"] as const;

/** Studio's execution role: run its own apps (JupyterLab, Code Editor) in its domain. */
export const STUDIO_APP_ACTIONS = [
  "sagemaker:CreateApp",
  "sagemaker:DeleteApp",
  "sagemaker:DescribeApp",
  "sagemaker:DescribeDomain",
  "sagemaker:DescribeUserProfile",
  "sagemaker:DescribeSpace",
  "sagemaker:AddTags",
] as const;

/** Listing calls Studio makes (no resource-level scoping in IAM). */
export const STUDIO_LIST_ACTIONS = [
  "sagemaker:ListApps",
  "sagemaker:ListSpaces",
  "sagemaker:ListUserProfiles",
  "sagemaker:ListFeatureGroups",
  "sagemaker:ListModelPackageGroups",
  "sagemaker:ListPipelines",
] as const;

/** Data scientists: inspect the domain's feature group, pipeline runs and model versions. */
export const STUDIO_ML_READ_ACTIONS = [
  "sagemaker:DescribeFeatureGroup",
  "sagemaker:DescribePipeline",
  "sagemaker:ListPipelineExecutions",
  "sagemaker:DescribePipelineExecution",
  "sagemaker:ListPipelineExecutionSteps",
  "sagemaker:StartPipelineExecution",
  ...MODEL_REGISTRY_READ_ACTIONS,
] as const;
