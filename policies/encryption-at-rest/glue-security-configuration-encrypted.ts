import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

const SECURITY_CONFIGURATION = "aws:glue/securityConfiguration:SecurityConfiguration";
const JOB = "aws:glue/job:Job";
const CRAWLER = "aws:glue/crawler:Crawler";

export const glueSecurityConfigurationEncrypted = resourcePolicy({
  name: "glue-security-configuration-encrypted",
  description:
    "Glue jobs and crawlers run with a security configuration that KMS-encrypts S3 output, logs and job bookmarks.",
  severity: "high",
  concern: "encryption-at-rest",
  remediationSteps:
    "Create an aws.glue.SecurityConfiguration with s3EncryptionMode SSE-KMS, cloudwatchEncryptionMode SSE-KMS and jobBookmarksEncryptionMode CSE-KMS, and set securityConfiguration on every job and crawler.",
  resourceTypes: [SECURITY_CONFIGURATION, JOB, CRAWLER],
  rules: [
    {
      id: "uses-security-configuration",
      check: ({ type, props }) =>
        type !== SECURITY_CONFIGURATION && !present(props, "securityConfiguration")
          ? "Set securityConfiguration to the platform's encrypting aws.glue.SecurityConfiguration."
          : undefined,
    },
    {
      id: "s3",
      check: ({ type, props }) =>
        type === SECURITY_CONFIGURATION &&
        props.encryptionConfiguration?.s3Encryption?.s3EncryptionMode !== "SSE-KMS"
          ? "Set encryptionConfiguration.s3Encryption.s3EncryptionMode to SSE-KMS with kmsKeyArn."
          : undefined,
    },
    {
      id: "cloudwatch",
      check: ({ type, props }) =>
        type === SECURITY_CONFIGURATION &&
        props.encryptionConfiguration?.cloudwatchEncryption?.cloudwatchEncryptionMode !== "SSE-KMS"
          ? "Set encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode to SSE-KMS with kmsKeyArn."
          : undefined,
    },
    {
      id: "job-bookmarks",
      check: ({ type, props }) =>
        type === SECURITY_CONFIGURATION &&
        props.encryptionConfiguration?.jobBookmarksEncryption?.jobBookmarksEncryptionMode !== "CSE-KMS"
          ? "Set encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode to CSE-KMS with kmsKeyArn."
          : undefined,
    },
  ],
});
