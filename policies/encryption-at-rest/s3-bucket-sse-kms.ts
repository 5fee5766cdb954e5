import { stackPolicy } from "../lib/policy";
import { BUCKET_SSE_TYPES, BUCKET_TYPES } from "../lib/types";
import type { PolicyResource } from "@pulumi/policy";
import { companionsOf, present } from "../lib/values";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];
const BUCKET_LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];
/** Load balancers whose `accessLogs.bucket` names a bucket (awsx's ALB component included). */
const LOAD_BALANCER_TYPES = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:alb/loadBalancer:LoadBalancer",
  "awsx:lb:ApplicationLoadBalancer",
];

/**
 * True for a bucket that receives S3 server access logs (the `targetBucket` of a bucket logging
 * configuration) or load balancer access logs (`accessLogs.bucket`): neither S3 nor Elastic Load
 * Balancing can deliver access logs to an SSE-KMS bucket, so SSE-S3 is the right choice there.
 */
export function isAccessLogTarget(bucket: PolicyResource, resources: readonly PolicyResource[]): boolean {
  return (
    companionsOf(bucket, resources, BUCKET_LOGGING_TYPES, "targetBucket").length > 0 ||
    companionsOf(bucket, resources, LOAD_BALANCER_TYPES, "accessLogs").length > 0
  );
}

export const s3BucketSseKms = stackPolicy({
  name: "s3-bucket-sse-kms",
  description:
    "Every S3 bucket has a server-side encryption configuration that uses SSE-KMS with a customer managed key.",
  severity: "high",
  concern: "encryption-at-rest",
  remediationSteps:
    "Add an aws.s3.BucketServerSideEncryptionConfiguration whose `bucket` is the bucket's output, with sseAlgorithm `aws:kms` and the data class's KMS key (SSE-S3 only for buckets that receive S3 server access logs or load balancer access logs).",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: [...BUCKET_SSE_TYPES, ...BUCKET_LOGGING_TYPES, ...LOAD_BALANCER_TYPES],
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
        const allowed = isAccessLogTarget(resource, resources)
          ? [...KMS_ALGORITHMS, "AES256"]
          : KMS_ALGORITHMS;
        for (const c of companionsOf(resource, resources, BUCKET_SSE_TYPES, "bucket")) {
          const rules = (c.props.rules ?? []) as {
            applyServerSideEncryptionByDefault?: { sseAlgorithm?: string };
          }[];
          if (!rules.some((r) => allowed.includes(r.applyServerSideEncryptionByDefault?.sseAlgorithm ?? "")))
            return "Set applyServerSideEncryptionByDefault.sseAlgorithm to `aws:kms` in the bucket's encryption configuration.";
        }
        return undefined;
      },
    },
    {
      id: "customer-key",
      check: ({ resource, resources }) => {
        if (isAccessLogTarget(resource, resources)) return undefined;
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
