import { stackPolicy } from "../lib/policy";
import { BUCKET_TYPES, BUCKET_VERSIONING_TYPES } from "../lib/types";
import { companionsOf } from "../lib/values";

export const s3Versioning = stackPolicy({
  name: "s3-versioning",
  description: "Every S3 bucket has versioning enabled.",
  severity: "medium",
  concern: "resilience",
  remediationSteps:
    "Add an aws.s3.BucketVersioning whose `bucket` is the bucket's output with versioningConfiguration.status Enabled.",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: BUCKET_VERSIONING_TYPES,
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, BUCKET_VERSIONING_TYPES, "bucket").length
          ? undefined
          : "Add an aws.s3.BucketVersioning whose `bucket` input is this bucket's output.",
    },
    {
      id: "enabled",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, BUCKET_VERSIONING_TYPES, "bucket").some(
          (v) => v.props.versioningConfiguration?.status !== "Enabled",
        )
          ? "Set versioningConfiguration.status to Enabled."
          : undefined,
    },
  ],
});
