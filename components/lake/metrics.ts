import type * as pulumi from "@pulumi/pulumi";

/** A CloudWatch metric with the statistic and period it is meant to be read with (dashboards, alarms). */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
  /** A statistic, or a percentile such as `p99` (CloudWatch `ExtendedStatistic`). */
  readonly statistic: "Sum" | "Average" | "Maximum" | `p${number}`;
  /** Seconds. */
  readonly period: number;
}

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
