import { stackPolicy } from "../lib/policy";
import { BUCKET_OWNERSHIP_TYPE, BUCKET_TYPES } from "../lib/types";
import { companionsOf } from "../lib/values";

export const s3OwnershipControls = stackPolicy({
  name: "s3-ownership-controls",
  description: "Every S3 bucket enforces bucket-owner object ownership, so ACLs grant no access.",
  severity: "medium",
  concern: "iam",
  fsbp: ["S3.12"],
  remediationSteps:
    "Add an aws.s3.BucketOwnershipControls whose `bucket` is the bucket's output with rule.objectOwnership BucketOwnerEnforced, and manage access with bucket and IAM policies.",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: [BUCKET_OWNERSHIP_TYPE],
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [BUCKET_OWNERSHIP_TYPE], "bucket").length
          ? undefined
          : "Add an aws.s3.BucketOwnershipControls whose `bucket` input is this bucket's output.",
    },
    {
      id: "acls-disabled",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [BUCKET_OWNERSHIP_TYPE], "bucket").some(
          (c) => c.props.rule?.objectOwnership !== "BucketOwnerEnforced",
        )
          ? "Set rule.objectOwnership to BucketOwnerEnforced."
          : undefined,
    },
  ],
});
