import { resourcePolicy } from "../lib/policy";

export const elasticacheInTransit = resourcePolicy({
  name: "elasticache-in-transit",
  description: "ElastiCache replication groups encrypt traffic in transit and require TLS.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["ElastiCache.5"],
  remediationSteps:
    "Set transitEncryptionEnabled: true (and transitEncryptionMode `required`, the default) on the replication group.",
  resourceTypes: ["aws:elasticache/replicationGroup:ReplicationGroup"],
  rules: [
    {
      id: "transit-encryption",
      check: ({ props }) =>
        props.transitEncryptionEnabled === true ? undefined : "Set transitEncryptionEnabled to true.",
    },
    {
      id: "required",
      check: ({ props }) =>
        props.transitEncryptionMode === "preferred"
          ? "Set transitEncryptionMode to `required` so plain connections are refused."
          : undefined,
    },
  ],
});
