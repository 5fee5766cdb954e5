import { resourcePolicy } from "../lib/policy";
import { parseJson, present } from "../lib/values";

interface EmrSecurityConfiguration {
  EncryptionConfiguration?: {
    EnableAtRestEncryption?: boolean;
    EnableInTransitEncryption?: boolean;
    AtRestEncryptionConfiguration?: {
      S3EncryptionConfiguration?: { EncryptionMode?: string };
      LocalDiskEncryptionConfiguration?: {
        EncryptionKeyProviderType?: string;
        EnableEbsEncryption?: boolean;
      };
    };
    InTransitEncryptionConfiguration?: unknown;
  };
}

/** The parsed `configuration` JSON of an EMR security configuration (reading it throws when unknown). */
export function emrSecurityConfiguration(props: Record<string, unknown>): EmrSecurityConfiguration {
  return (parseJson(props.configuration) ?? {}) as EmrSecurityConfiguration;
}

const SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration";
const CLUSTER = "aws:emr/cluster:Cluster";
const onConfiguration =
  (check: (c: EmrSecurityConfiguration) => string | undefined) =>
  ({ type, props }: { type: string; props: Record<string, unknown> }) =>
    type === SECURITY_CONFIGURATION ? check(emrSecurityConfiguration(props)) : undefined;

export const emrEncryptionAtRest = resourcePolicy({
  name: "emr-encryption-at-rest",
  description:
    "EMR clusters use a security configuration that encrypts S3 data, local disks and EBS volumes at rest.",
  severity: "high",
  concern: "encryption-at-rest",
  fsbp: ["EMR.3"],
  remediationSteps:
    "Give the cluster a securityConfiguration whose JSON sets EnableAtRestEncryption with S3EncryptionConfiguration (SSE-KMS) and LocalDiskEncryptionConfiguration (AwsKms, EnableEbsEncryption).",
  resourceTypes: [SECURITY_CONFIGURATION, CLUSTER],
  rules: [
    {
      id: "cluster-security-configuration",
      check: ({ type, props }) =>
        type === CLUSTER && !present(props, "securityConfiguration")
          ? "Set securityConfiguration on the aws.emr.Cluster to an encrypting aws.emr.SecurityConfiguration."
          : undefined,
    },
    {
      id: "at-rest",
      check: onConfiguration((c) =>
        c.EncryptionConfiguration?.EnableAtRestEncryption === true
          ? undefined
          : "Set EncryptionConfiguration.EnableAtRestEncryption to true.",
      ),
    },
    {
      id: "s3",
      check: onConfiguration((c) => {
        const mode =
          c.EncryptionConfiguration?.AtRestEncryptionConfiguration?.S3EncryptionConfiguration?.EncryptionMode;
        return mode === "SSE-KMS" || mode === "CSE-KMS"
          ? undefined
          : "Set S3EncryptionConfiguration.EncryptionMode to SSE-KMS.";
      }),
    },
    {
      id: "local-disk",
      check: onConfiguration((c) =>
        c.EncryptionConfiguration?.AtRestEncryptionConfiguration?.LocalDiskEncryptionConfiguration
          ?.EncryptionKeyProviderType
          ? undefined
          : "Add LocalDiskEncryptionConfiguration with EncryptionKeyProviderType AwsKms.",
      ),
    },
    {
      id: "ebs",
      check: onConfiguration((c) =>
        c.EncryptionConfiguration?.AtRestEncryptionConfiguration?.LocalDiskEncryptionConfiguration
          ?.EnableEbsEncryption === true
          ? undefined
          : "Set LocalDiskEncryptionConfiguration.EnableEbsEncryption to true.",
      ),
    },
  ],
});
