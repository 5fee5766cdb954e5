import type * as pulumi from "@pulumi/pulumi";
import {
  dynamodbTableMetrics,
  type DynamoWriteOperation,
  firehoseMetrics,
  type KeyMetrics,
  kinesisStreamMetrics,
  lambdaMetrics,
} from "../observability/metrics";

/** The physical names a pipeline's metrics are keyed by. */
export interface PipelineMetricNames {
  readonly dataProduct: string;
  readonly streamName: pulumi.Input<string>;
  readonly processorName: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  readonly deliveryStreamName: pulumi.Input<string>;
  /** The processor's serving-table write: conditional `PutItem` (latest state) or `BatchWriteItem`. Default BatchWriteItem. */
  readonly writeOperation?: DynamoWriteOperation;
}

/**
 * The key metrics of one streaming pipeline, stage by stage: stream throughput and iterator age,
 * processor errors/duration/throttles, dead letters (the processor's EMF metric), Firehose
 * freshness, serving-table throttles and latency.
 */
export function pipelineMetrics(n: PipelineMetricNames): KeyMetrics {
  const stream = kinesisStreamMetrics(n.streamName);
  const processor = lambdaMetrics(n.processorName);
  const table = dynamodbTableMetrics(n.tableName, n.writeOperation);
  const delivery = firehoseMetrics(n.deliveryStreamName);
  return {
    incomingRecords: stream.incomingRecords,
    iteratorAgeMs: stream.iteratorAgeMs,
    streamWriteThrottles: stream.writeThrottles,
    processorInvocations: processor.invocations,
    processorErrors: processor.errors,
    processorDurationP99Ms: processor.durationP99Ms,
    processorThrottles: processor.throttles,
    deadLettered: {
      namespace: "DataPlatform/Streaming",
      metricName: "DeadLettered",
      dimensions: { DataProduct: n.dataProduct, FunctionName: n.processorName },
      statistic: "Sum",
      period: 300,
    },
    deliveryFreshnessSeconds: delivery.freshnessSeconds,
    tableWriteThrottles: table.writeThrottles,
    tableWriteLatencyMs: table.writeLatencyMs,
  };
}
