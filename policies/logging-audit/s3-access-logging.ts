import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/policy";
import { BUCKET_TYPES } from "../lib/types";
import { companionsOf } from "../lib/values";

const LOGGING = "aws:s3/bucketLogging:BucketLogging";

/** Resources that write logs into a bucket, and the input naming the bucket. */
const LOG_WRITERS: readonly (readonly [string, string])[] = [
  [LOGGING, "targetBucket"],
  ["aws:cloudtrail/trail:Trail", "s3BucketName"],
  ["aws:cfg/deliveryChannel:DeliveryChannel", "s3BucketName"],
  ["aws:lb/loadBalancer:LoadBalancer", "accessLogs"],
  ["aws:alb/loadBalancer:LoadBalancer", "accessLogs"],
  ["awsx:lb:ApplicationLoadBalancer", "accessLogs"],
];

/** True when a service delivers logs into the bucket (access logs, CloudTrail, Config, load balancer logs). */
function isLogDestination(bucket: PolicyResource, resources: readonly PolicyResource[]): boolean {
  return LOG_WRITERS.some(([type, property]) => companionsOf(bucket, resources, [type], property).length > 0);
}

export const s3AccessLogging = stackPolicy({
  name: "s3-access-logging",
  description:
    "S3 buckets log their requests to the access-log bucket, except buckets that themselves receive service logs.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["S3.9"],
  remediationSteps:
    "Add an aws.s3.BucketLogging whose `bucket` input is this bucket's output and whose targetBucket is the access-log bucket (LakeBucket does this by default).",
  resourceTypes: [...BUCKET_TYPES],
  relatedTypes: LOG_WRITERS.map(([t]) => t),
  rules: [
    {
      id: "server-access-logging",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [LOGGING], "bucket").length || isLogDestination(resource, resources)
          ? undefined
          : "Add an aws.s3.BucketLogging for this bucket (bucket: this bucket's output, targetBucket: the access-log bucket).",
    },
  ],
});
