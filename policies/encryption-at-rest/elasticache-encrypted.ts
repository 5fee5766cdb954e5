import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const elasticacheEncrypted = resourcePolicy({
  name: "elasticache-encrypted",
  description: "ElastiCache replication groups are encrypted at rest with a customer managed key.",
  severity: "high",
  concern: "encryption-at-rest",
  fsbp: ["ElastiCache.4"],
  remediationSteps: "Set atRestEncryptionEnabled: true and kmsKeyId on the aws.elasticache.ReplicationGroup.",
  resourceTypes: ["aws:elasticache/replicationGroup:ReplicationGroup"],
  rules: [
    {
      id: "at-rest",
      check: ({ props }) =>
        props.atRestEncryptionEnabled === true ? undefined : "Set atRestEncryptionEnabled to true.",
    },
    {
      id: "customer-key",
      check: ({ props }) =>
        present(props, "kmsKeyId") ? undefined : "Set kmsKeyId to the serving layer's KMS key.",
    },
  ],
});
