import { stackPolicy } from "../lib/policy";
import { BUCKET_LIFECYCLE_TYPES, BUCKET_TYPES } from "../lib/types";
import { companionsOf } from "../lib/values";

export const s3LifecycleConfigured = stackPolicy({
  name: "s3-lifecycle-configured",
  description: "Every S3 bucket has a lifecycle configuration with at least one enabled rule.",
  severity: "low",
  concern: "cost",
  fsbp: ["S3.13"],
  remediationSteps:
    "Add an aws.s3.BucketLifecycleConfiguration whose `bucket` is the bucket's output: transitions to IA/Glacier or Intelligent-Tiering, expiry of noncurrent versions and incomplete uploads.",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: BUCKET_LIFECYCLE_TYPES,
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, BUCKET_LIFECYCLE_TYPES, "bucket").length
          ? undefined
          : "Add an aws.s3.BucketLifecycleConfiguration whose `bucket` input is this bucket's output.",
    },
    {
      id: "enabled-rule",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, BUCKET_LIFECYCLE_TYPES, "bucket").some(
          (c) => !((c.props.rules ?? []) as { status?: string }[]).some((r) => r.status === "Enabled"),
        )
          ? "Give the lifecycle configuration at least one rule with status Enabled."
          : undefined,
    },
  ],
});
