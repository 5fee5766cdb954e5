/**
 * IAM action lists of the batch layer (EMR on EC2, EMR Serverless). Explicit actions only: no
 * service wildcards, so a statement grants exactly what is listed on exactly the resources named.
 */

/** Objects written under a prefix (EMR step and application logs). */
export const S3_WRITE_OBJECT_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload"] as const;

/** Objects read under a prefix (job scripts, the in-transit TLS certificate bundle). */
export const S3_READ_OBJECT_ACTIONS = ["s3:GetObject"] as const;

/** Listing a bucket, always constrained to a prefix with an `s3:prefix` condition. */
export const S3_LIST_ACTIONS = ["s3:ListBucket"] as const;

/** Using a KMS key for data: SSE-KMS objects, local disks, logs. */
export const KMS_DATA_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:DescribeKey",
] as const;

/**
 * Grants on the local-disk key the EMR service role needs so EC2 can attach KMS-encrypted EBS volumes,
 * only for AWS resources (`kms:GrantIsForAWSResource`).
 */
export const KMS_GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"] as const;

/** The EMR service role passing the instance-profile role to EC2. */
export const PASS_ROLE_ACTIONS = ["iam:PassRole"] as const;

/**
 * AWS managed policy of the EMR service role. It is scoped by design: EC2 actions only on subnets and
 * security groups tagged `for-use-with-amazon-emr-managed-policies=true` and on EMR-created
 * resources, PassRole only on the default role names. It replaces the deprecated
 * `AmazonElasticMapReduceRole`; nothing in this layer attaches a `*FullAccess` policy.
 */
export const EMR_SERVICE_POLICY_V2 = "service-role/AmazonEMRServicePolicy_v2";

/** Tag EMR's v2 service policy requires on the subnets and security groups a cluster uses. */
export const EMR_MANAGED_POLICY_TAG = { "for-use-with-amazon-emr-managed-policies": "true" } as const;

/** Submitting and following Spark jobs on one EMR Serverless application. */
export const EMR_SERVERLESS_SUBMIT_ACTIONS = [
  "emr-serverless:StartJobRun",
  "emr-serverless:GetJobRun",
  "emr-serverless:CancelJobRun",
  "emr-serverless:GetDashboardForJobRun",
] as const;

/** Submitting and following steps on one EMR cluster. */
export const EMR_STEP_ACTIONS = [
  "elasticmapreduce:AddJobFlowSteps",
  "elasticmapreduce:DescribeStep",
  "elasticmapreduce:ListSteps",
  "elasticmapreduce:CancelSteps",
  "elasticmapreduce:DescribeCluster",
] as const;
