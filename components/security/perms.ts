/**
 * IAM and KMS actions the security layer grants, in one place so reviews and tests read them here.
 */

/** Key administration, granted to the account root so IAM administrators can manage the key. */
export const KEY_ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:ReplicateKey",
  "kms:RotateKeyOnDemand",
] as const;

/**
 * Cryptographic use, granted to the account root so that identity policies (the components'
 * `grant*` statements, scoped to the key's ARN) decide which roles may use the key.
 */
export const KEY_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
] as const;

/** What CloudWatch Logs needs to encrypt and read a log group with a customer-managed key. */
export const CLOUDWATCH_LOGS_KEY_ACTIONS = [
  "kms:Encrypt*",
  "kms:Decrypt*",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:Describe*",
] as const;

/** What CloudTrail needs to encrypt log files with the key. */
export const CLOUDTRAIL_KEY_ACTIONS = ["kms:GenerateDataKey*"] as const;

/** CloudTrail checks the key before it accepts it for a trail. */
export const CLOUDTRAIL_DESCRIBE_KEY_ACTIONS = ["kms:DescribeKey"] as const;

/** What Firehose needs for server-side encryption of a delivery stream with a customer-managed key. */
export const FIREHOSE_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"] as const;

/** CloudTrail writing to its CloudWatch Logs group. */
export const CLOUDTRAIL_TO_LOGS_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** CloudTrail checking and writing its bucket. */
export const CLOUDTRAIL_BUCKET_ACL_ACTIONS = ["s3:GetBucketAcl"] as const;
export const CLOUDTRAIL_BUCKET_WRITE_ACTIONS = ["s3:PutObject"] as const;

/** AWS Config delivering snapshots and history to its bucket. */
export const CONFIG_BUCKET_ACL_ACTIONS = ["s3:GetBucketAcl"] as const;
export const CONFIG_BUCKET_WRITE_ACTIONS = ["s3:PutObject"] as const;
/** ...encrypted with the logs key (SSE-KMS). */
export const CONFIG_DELIVERY_KEY_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/**
 * The AWS managed policy for the AWS Config recorder role: read-only describe/list/get of the
 * recorded resource types (a service-role policy, not a FullAccess one).
 */
export const CONFIG_ROLE_MANAGED_POLICY = "policy/service-role/AWS_ConfigRole";
