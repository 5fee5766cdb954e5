import { stackPolicy } from "../lib/policy";
import { BUCKET_REPLICATION_TYPE, BUCKET_TYPES } from "../lib/types";
import { companionsOf, effectiveTags } from "../lib/values";

export const s3ReplicationCritical = stackPolicy({
  name: "s3-replication-critical",
  description:
    "Buckets of critical lake zones (tagged LakeBucketKind raw or curated) replicate to the disaster-recovery region.",
  severity: "high",
  concern: "resilience",
  remediationSteps:
    "Add an aws.s3.BucketReplicationConfig whose `bucket` is the bucket's output with an Enabled rule to a bucket in the DR region (lake.replication, on in prod).",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: [BUCKET_REPLICATION_TYPE],
  configSchema: {
    properties: {
      zoneTagKey: { type: "string", default: "LakeBucketKind" },
      criticalZones: { type: "array", items: { type: "string" }, default: ["raw", "curated"] },
    },
  },
  appliesTo: ({ resource, resources, config }) => {
    const zone = effectiveTags(resource.props, resource.provider).tags[config.zoneTagKey as string];
    if (!((config.criticalZones ?? []) as string[]).includes(String(zone))) return false;
    // The DR replica of a critical bucket carries the same zone tag but is the copy, not a source.
    return !companionsOf(resource, resources, [BUCKET_REPLICATION_TYPE], "rules").length;
  },
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [BUCKET_REPLICATION_TYPE], "bucket").length
          ? undefined
          : "Add an aws.s3.BucketReplicationConfig whose `bucket` input is this bucket's output.",
    },
    {
      id: "enabled-rule",
      check: ({ resource, resources }) => {
        const configs = companionsOf(resource, resources, [BUCKET_REPLICATION_TYPE], "bucket");
        return configs.some(
          (c) => !((c.props.rules ?? []) as { status?: string }[]).some((r) => r.status === "Enabled"),
        )
          ? "Give the replication configuration at least one rule with status Enabled."
          : undefined;
      },
    },
  ],
});
