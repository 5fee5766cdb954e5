import { stackPolicy } from "../lib/policy";
import { BUCKET_SSE_TYPES, BUCKET_TYPES } from "../lib/types";
import { companionsOf, present } from "../lib/values";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

export const s3BucketSseKms = stackPolicy({
  name: "s3-bucket-sse-kms",
  description:
    "Every S3 bucket has a server-side encryption configuration that uses SSE-KMS with a customer managed key.",
  severity: "high",
  concern: "encryption-at-rest",
  fsbp: ["S3.17"],
  remediationSteps:
    "Add an aws.s3.BucketServerSideEncryptionConfiguration whose `bucket` is the bucket's output, with sseAlgorithm `aws:kms` and the data class's KMS key.",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: BUCKET_SSE_TYPES,
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, BUCKET_SSE_TYPES, "bucket").length
          ? undefined
          : "Add an aws.s3.BucketServerSideEncryptionConfiguration whose `bucket` input is this bucket's output.",
    },
    {
      id: "sse-kms",
      check: ({ resource, resources }) => {
        for (const c of companionsOf(resource, resources, BUCKET_SSE_TYPES, "bucket")) {
          const rules = (c.props.rules ?? []) as {
            applyServerSideEncryptionByDefault?: { sseAlgorithm?: string };
          }[];
          if (
            !rules.some((r) =>
              KMS_ALGORITHMS.includes(r.applyServerSideEncryptionByDefault?.sseAlgorithm ?? ""),
            )
          )
            return "Set applyServerSideEncryptionByDefault.sseAlgorithm to `aws:kms` in the bucket's encryption configuration.";
        }
        return undefined;
      },
    },
    {
      id: "customer-key",
      check: ({ resource, resources }) => {
        for (const c of companionsOf(resource, resources, BUCKET_SSE_TYPES, "bucket")) {
          const rules = (c.props.rules ?? []) as object[];
          if (
            !rules.some((_, i) =>
              present(c.props, "rules", i, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"),
            )
          )
            return "Set applyServerSideEncryptionByDefault.kmsMasterKeyId to the data class's customer managed KMS key.";
        }
        return undefined;
      },
    },
  ],
});
