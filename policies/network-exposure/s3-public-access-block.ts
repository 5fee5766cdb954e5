import { stackPolicy } from "../lib/policy";
import { BUCKET_PAB_TYPE, BUCKET_TYPES } from "../lib/types";
import { companionsOf } from "../lib/values";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3PublicAccessBlock = stackPolicy({
  name: "s3-public-access-block",
  description: "Every S3 bucket has a public access block with all four settings on.",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["S3.8"],
  remediationSteps:
    "Add an aws.s3.BucketPublicAccessBlock whose `bucket` is the bucket's output with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: [BUCKET_PAB_TYPE],
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [BUCKET_PAB_TYPE], "bucket").length
          ? undefined
          : "Add an aws.s3.BucketPublicAccessBlock whose `bucket` input is this bucket's output.",
    },
    {
      id: "all-blocked",
      check: ({ resource, resources }) => {
        for (const pab of companionsOf(resource, resources, [BUCKET_PAB_TYPE], "bucket")) {
          const off = FLAGS.filter((f) => pab.props[f] !== true);
          if (off.length) return `Set ${off.join(", ")} to true on the public access block.`;
        }
        return undefined;
      },
    },
  ],
});
