import { resourcePolicy } from "../lib/policy";
import { numberOf, present } from "../lib/values";

export const elasticacheBackupsAndPatching = resourcePolicy({
  name: "elasticache-backups-and-patching",
  description:
    "ElastiCache replication groups keep automatic backups, take minor version upgrades and use the platform's own subnet group.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["ElastiCache.1", "ElastiCache.2", "ElastiCache.7"],
  remediationSteps:
    "Set snapshotRetentionLimit to 1 or more days (the cache component's default), leave autoMinorVersionUpgrade on and set subnetGroupName to the VPC's database subnet group.",
  resourceTypes: ["aws:elasticache/replicationGroup:ReplicationGroup"],
  rules: [
    {
      id: "automatic-backups",
      check: ({ props }) =>
        (numberOf(props.snapshotRetentionLimit) ?? 0) >= 1
          ? undefined
          : "Set snapshotRetentionLimit to at least 1 day so the cache can be restored.",
    },
    {
      id: "minor-version-upgrades",
      check: ({ props }) =>
        props.autoMinorVersionUpgrade === false ? "Remove autoMinorVersionUpgrade: false." : undefined,
    },
    {
      id: "custom-subnet-group",
      check: ({ props }) =>
        present(props, "subnetGroupName") && props.subnetGroupName !== "default"
          ? undefined
          : "Set subnetGroupName to the VPC's database subnet group (the default subnet group is the default VPC's).",
    },
  ],
});
