import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** A CloudWatch statistic: the basic ones or a percentile such as `p99`. */
export type Statistic = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount" | `p${number}`;

/** A CloudWatch metric with the statistic and period it is meant to be read with (dashboards, alarms). */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
  readonly statistic: Statistic;
  /** Seconds. */
  readonly period: number;
}

/** Named metrics a component exposes as `keyMetrics`, in the order a dashboard shows them. */
export type KeyMetrics = Readonly<Record<string, MetricSpec>>;

const spec = (
  namespace: string,
  metricName: string,
  dimensions: Record<string, pulumi.Input<string>>,
  statistic: Statistic,
  period = 300,
): MetricSpec => ({ namespace, metricName, dimensions, statistic, period });

/** Throughput and lag of a Kinesis stream. */
export function kinesisStreamMetrics(streamName: pulumi.Input<string>) {
  const d = { StreamName: streamName };
  return {
    incomingRecords: spec("AWS/Kinesis", "IncomingRecords", d, "Sum", 60),
    incomingBytes: spec("AWS/Kinesis", "IncomingBytes", d, "Sum", 60),
    iteratorAgeMs: spec("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", d, "Maximum", 60),
    writeThrottles: spec("AWS/Kinesis", "WriteProvisionedThroughputExceeded", d, "Sum", 60),
  };
}

/** Errors, duration and throttles of a Lambda function. */
export function lambdaMetrics(functionName: pulumi.Input<string>) {
  const d = { FunctionName: functionName };
  return {
    invocations: spec("AWS/Lambda", "Invocations", d, "Sum", 60),
    errors: spec("AWS/Lambda", "Errors", d, "Sum", 60),
    durationP99Ms: spec("AWS/Lambda", "Duration", d, "p99", 60),
    throttles: spec("AWS/Lambda", "Throttles", d, "Sum", 60),
  };
}

/** DynamoDB operations a writer uses: conditional `PutItem` (latest-state tables) or `BatchWriteItem`. */
export type DynamoWriteOperation = "PutItem" | "BatchWriteItem";

/**
 * Throttles and write latency of a DynamoDB table. `SuccessfulRequestLatency` is published per
 * operation: `writeOperation` must be the one the writer calls, or the latency alarm never sees data.
 */
export function dynamodbTableMetrics(
  tableName: pulumi.Input<string>,
  writeOperation: DynamoWriteOperation = "BatchWriteItem",
) {
  const d = { TableName: tableName };
  return {
    writeThrottles: spec("AWS/DynamoDB", "WriteThrottleEvents", d, "Sum", 60),
    readThrottles: spec("AWS/DynamoDB", "ReadThrottleEvents", d, "Sum", 60),
    writeLatencyMs: spec(
      "AWS/DynamoDB",
      "SuccessfulRequestLatency",
      { ...d, Operation: writeOperation },
      "Average",
      60,
    ),
    readLatencyMs: spec(
      "AWS/DynamoDB",
      "SuccessfulRequestLatency",
      { ...d, Operation: "GetItem" },
      "Average",
      60,
    ),
  };
}

/** Freshness and success of a Firehose delivery stream to S3. */
export function firehoseMetrics(deliveryStreamName: pulumi.Input<string>) {
  const d = { DeliveryStreamName: deliveryStreamName };
  return {
    freshnessSeconds: spec("AWS/Firehose", "DeliveryToS3.DataFreshness", d, "Maximum"),
    deliverySuccess: spec("AWS/Firehose", "DeliveryToS3.Success", d, "Average"),
  };
}

/** CPU and disk of a provisioned Redshift cluster. */
export function redshiftClusterMetrics(clusterIdentifier: pulumi.Input<string>) {
  const d = { ClusterIdentifier: clusterIdentifier };
  return {
    cpuPercent: spec("AWS/Redshift", "CPUUtilization", d, "Average"),
    diskPercent: spec("AWS/Redshift", "PercentageDiskSpaceUsed", d, "Maximum"),
    healthStatus: spec("AWS/Redshift", "HealthStatus", d, "Minimum", 60),
  };
}

/** Compute and storage of a Redshift Serverless workgroup. */
export function redshiftServerlessMetrics(workgroupName: pulumi.Input<string>, databaseName: string) {
  const d = { Workgroup: workgroupName };
  return {
    computeCapacityRpu: spec("AWS/Redshift-Serverless", "ComputeCapacity", d, "Maximum"),
    queriesFailed: spec(
      "AWS/Redshift-Serverless",
      "QueriesFailed",
      { ...d, DatabaseName: databaseName },
      "Sum",
    ),
  };
}

/** Health and storage of an EMR cluster. */
export function emrClusterMetrics(clusterId: pulumi.Input<string>) {
  const d = { JobFlowId: clusterId };
  return {
    appsFailed: spec("AWS/ElasticMapReduce", "AppsFailed", d, "Sum"),
    hdfsUtilizationPercent: spec("AWS/ElasticMapReduce", "HDFSUtilization", d, "Average"),
    unhealthyNodes: spec("AWS/ElasticMapReduce", "MRUnhealthyNodes", d, "Maximum"),
  };
}

/** Job outcomes of an EMR Serverless application. */
export function emrServerlessMetrics(applicationId: pulumi.Input<string>) {
  const d = { ApplicationId: applicationId };
  return {
    failedJobs: spec("AWS/EMRServerless", "FailedJobs", d, "Sum"),
    runningJobs: spec("AWS/EMRServerless", "RunningJobs", d, "Maximum"),
  };
}

/** CPU, memory and cache hits of one Redis node (`CacheClusterId` is the node's member cluster id). */
export function redisMetrics(cacheClusterId: pulumi.Input<string>) {
  const d = { CacheClusterId: cacheClusterId };
  return {
    engineCpuPercent: spec("AWS/ElastiCache", "EngineCPUUtilization", d, "Maximum"),
    memoryPercent: spec("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", d, "Maximum"),
    cacheHitRate: spec("AWS/ElastiCache", "CacheHitRate", d, "Average"),
  };
}

/** Member cluster ids of a cluster-mode-disabled replication group: `<id>-001` … `<id>-00N`. */
export function redisNodeIds(replicationGroupId: string, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/**
 * `redisMetrics` of every node of a replication group, keyed `<metric>Node<NNN>` (`engineCpuPercentNode001`…):
 * after a failover any node can be the primary, and a replica can run out of memory on its own.
 */
export function redisNodeMetrics(replicationGroupId: pulumi.Output<string>, nodes: number): KeyMetrics {
  const out: Record<string, MetricSpec> = {};
  for (let n = 1; n <= nodes; n++) {
    const id = replicationGroupId.apply((rg) => redisNodeIds(rg, nodes)[n - 1]);
    for (const [key, spec] of Object.entries(redisMetrics(id)))
      out[`${key}Node${String(n).padStart(3, "0")}`] = spec;
  }
  return out;
}

/** Bytes and packets a NAT gateway drops or moves (cost and health of egress). */
export function natGatewayMetrics(natGatewayId: pulumi.Input<string>) {
  const d = { NatGatewayId: natGatewayId };
  return {
    bytesOut: spec("AWS/NATGateway", "BytesOutToDestination", d, "Sum"),
    packetsDropped: spec("AWS/NATGateway", "PacketsDropCount", d, "Sum"),
  };
}

/** When an alarm fires, relative to its threshold. */
export type Comparison = "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold";

/**
 * The metric part of a `MetricAlarm`'s arguments for `metric`: the statistic goes to
 * `extendedStatistic` when it is a percentile, as CloudWatch requires.
 */
export function alarmMetricArgs(
  metric: MetricSpec,
): Pick<
  aws.cloudwatch.MetricAlarmArgs,
  "namespace" | "metricName" | "dimensions" | "statistic" | "extendedStatistic" | "period"
> {
  const percentile = /^p\d+(\.\d+)?$/.test(metric.statistic);
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: { ...metric.dimensions },
    ...(percentile ? { extendedStatistic: metric.statistic } : { statistic: metric.statistic }),
    period: metric.period,
  };
}
