/**
 * IAM action lists of the lake layer. Grants combine them with scoped resources (a bucket, a prefix,
 * one KMS key, one catalog table); no list holds a wildcard action.
 */

/** Bucket-level actions a reader needs (listing is narrowed to the granted prefix by condition). */
export const BUCKET_READ_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"] as const;

/** Object-level actions a reader needs. */
export const OBJECT_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;

/** Bucket-level actions a writer needs (multipart uploads are listed at the bucket). */
export const BUCKET_WRITE_ACTIONS = [
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:ListBucketMultipartUploads",
] as const;

/** Object-level actions a writer needs: put and clean up its own multipart uploads. No delete. */
export const OBJECT_WRITE_ACTIONS = [
  "s3:PutObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;

/** Added to a write grant only with `allowDelete` (Spark committers delete their temporary files). */
export const OBJECT_DELETE_ACTIONS = ["s3:DeleteObject"] as const;

/** KMS actions to read SSE-KMS objects. */
export const KEY_READ_ACTIONS = ["kms:Decrypt"] as const;

/** KMS actions to write SSE-KMS objects (Decrypt is needed to complete multipart uploads). */
export const KEY_WRITE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** Replication role, on the source bucket. */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"] as const;

/** Replication role, on the source objects. */
export const REPLICATION_SOURCE_OBJECT_ACTIONS = [
  "s3:GetObjectVersionForReplication",
  "s3:GetObjectVersionAcl",
  "s3:GetObjectVersionTagging",
] as const;

/** Replication role, on the replica objects. */
export const REPLICATION_DESTINATION_OBJECT_ACTIONS = [
  "s3:ReplicateObject",
  "s3:ReplicateDelete",
  "s3:ReplicateTags",
] as const;

/** Replication role, on the replica key (S3 encrypts replicas with it). */
export const REPLICATION_DESTINATION_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"] as const;

/** Glue Data Catalog reads (database, tables, partitions). */
export const CATALOG_READ_ACTIONS = [
  "glue:GetDatabase",
  "glue:GetDatabases",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
] as const;

/** Glue Data Catalog writes a crawler needs on its own database. */
export const CATALOG_WRITE_ACTIONS = [
  "glue:CreateTable",
  "glue:UpdateTable",
  "glue:CreatePartition",
  "glue:BatchCreatePartition",
  "glue:UpdatePartition",
  "glue:BatchUpdatePartition",
] as const;

/** Glue jobs and crawlers writing (KMS-encrypted) CloudWatch logs under `/aws-glue/`. */
export const GLUE_LOG_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:AssociateKmsKey",
] as const;

/** Glue job metrics; `cloudwatch:PutMetricData` has no resource type, so it is limited by namespace. */
export const GLUE_METRIC_ACTIONS = ["cloudwatch:PutMetricData"] as const;

/** Job bookmarks and logs encrypted by the Glue security configuration's key. */
export const SECURITY_CONFIGURATION_KEY_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:GenerateDataKey",
] as const;

/** Reading metadata of a KMS-encrypted Data Catalog (through Glue). */
export const CATALOG_KEY_READ_ACTIONS = ["kms:Decrypt"] as const;

/** Writing metadata of a KMS-encrypted Data Catalog (through Glue). */
export const CATALOG_KEY_WRITE_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] as const;

/** Athena queries in one workgroup. */
export const ATHENA_QUERY_ACTIONS = [
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:GetWorkGroup",
] as const;

/** Lake Formation credential vending for registered locations (the action has no resource type). */
export const LAKE_FORMATION_DATA_ACCESS_ACTIONS = ["lakeformation:GetDataAccess"] as const;
