import type * as pulumi from "@pulumi/pulumi";
import type { MetricSpec } from "../observability/metrics";

// The type lives with the dashboards and alarms that read it; re-exported so lake imports keep working.
export type { MetricSpec } from "../observability/metrics";

/** Metrics of a Glue job (published with `--enable-metrics`), over all its runs. */
export function glueJobMetrics(jobName: pulumi.Input<string>): {
  failedTasks: MetricSpec;
  elapsedTimeMs: MetricSpec;
} {
  const dimensions = { JobName: jobName, JobRunId: "ALL", Type: "count" };
  return {
    failedTasks: {
      namespace: "Glue",
      metricName: "glue.driver.aggregate.numFailedTasks",
      dimensions,
      statistic: "Sum",
      period: 300,
    },
    elapsedTimeMs: {
      namespace: "Glue",
      metricName: "glue.driver.aggregate.elapsedTime",
      dimensions,
      statistic: "Maximum",
      period: 300,
    },
  };
}

/** Metrics of an Athena workgroup (published because the workgroup enables CloudWatch metrics). */
export function athenaWorkgroupMetrics(workgroup: pulumi.Input<string>): {
  processedBytes: MetricSpec;
  totalExecutionTimeMs: MetricSpec;
} {
  return {
    processedBytes: {
      namespace: "AWS/Athena",
      metricName: "ProcessedBytes",
      dimensions: { WorkGroup: workgroup },
      statistic: "Sum",
      period: 300,
    },
    totalExecutionTimeMs: {
      namespace: "AWS/Athena",
      metricName: "TotalExecutionTime",
      dimensions: { WorkGroup: workgroup },
      statistic: "Average",
      period: 300,
    },
  };
}

/** Metrics of one replication rule (published with Replication Time Control's replication metrics). */
export function replicationMetrics(
  sourceBucket: pulumi.Input<string>,
  destinationBucket: pulumi.Input<string>,
  ruleId: string,
): { latencySeconds: MetricSpec; failedOperations: MetricSpec; bytesPending: MetricSpec } {
  const dimensions = { SourceBucket: sourceBucket, DestinationBucket: destinationBucket, RuleId: ruleId };
  return {
    latencySeconds: {
      namespace: "AWS/S3",
      metricName: "ReplicationLatency",
      dimensions,
      statistic: "Maximum",
      period: 300,
    },
    failedOperations: {
      namespace: "AWS/S3",
      metricName: "OperationsFailedReplication",
      dimensions,
      statistic: "Sum",
      period: 300,
    },
    bytesPending: {
      namespace: "AWS/S3",
      metricName: "BytesPendingReplication",
      dimensions,
      statistic: "Maximum",
      period: 300,
    },
  };
}
