import { stackPolicy } from "../lib/policy";
import { BUCKET_POLICY_TYPE, BUCKET_SSE_TYPES, BUCKET_TYPES } from "../lib/types";
import { companionsOf, present, statementsOf } from "../lib/values";
import type { PolicyResource } from "@pulumi/policy";

/**
 * S3 delivers server access logs only to buckets with SSE-S3 default encryption (the documented
 * contract), so a bucket whose policy admits `logging.s3.amazonaws.com` may use AES256: it holds
 * request metadata, not data.
 */
function isAccessLogDestination(bucket: PolicyResource, resources: readonly PolicyResource[]): boolean {
  return companionsOf(bucket, resources, [BUCKET_POLICY_TYPE], "bucket").some((p) =>
    statementsOf(p.props.policy).some(
      (st) =>
        st.Effect === "Allow" && JSON.stringify(st.Principal ?? "").includes("logging.s3.amazonaws.com"),
    ),
  );
}

const usesSseS3 = (c: PolicyResource) =>
  ((c.props.rules ?? []) as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[]).some(
    (r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm === "AES256",
  );

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

export const s3BucketSseKms = stackPolicy({
  name: "s3-bucket-sse-kms",
  description:
    "Every S3 bucket has a server-side encryption configuration that uses SSE-KMS with a customer managed key (server access log destinations: SSE-S3).",
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
          if (usesSseS3(c) && isAccessLogDestination(resource, resources)) continue;
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
          if (usesSseS3(c) && isAccessLogDestination(resource, resources)) continue;
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
