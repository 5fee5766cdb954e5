import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIMITS } from "../../config/limits";
import { inlineFunction } from "../../runtime/lambda/packaging";
import { WINDOW_TABLE_KEY } from "../../runtime/aggregator/aggregator";
import { FIREHOSE_PARTITION_QUERY, TTL_ATTRIBUTE } from "../../runtime/processor/transform";
import { LAKE_LINE_DELIMITER_BASE64 } from "../../runtime/sinks/firehose";
import { RUNTIME_DEFAULTS } from "../../runtime/constants";
import { buildDataProduct, dataProductNames } from "../../runtime/schemas";
import {
  assumedBy,
  firehosePolicy,
  STREAM_READ_ACTIONS,
  STREAM_WRITE_ACTIONS,
  streamFunctionPolicy,
  TABLE_ACTIONS,
  TABLE_READ_ACTIONS,
} from "./policies";
import type { KeyMetrics } from "../observability/metrics";
import { pipelineMetrics } from "./metrics";
import { shardsFor, type Throughput } from "./sizing";

/** Where the pipeline's raw records land: the lake's raw zone. */
export interface RawZoneRef {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** Key the zone is encrypted with. */
  readonly kmsKeyArn: pulumi.Input<string>;
}

export interface PipelineArgs {
  /** Data product name from the runtime's schema registry (`runtime/schemas`). */
  readonly dataProduct: string;
  /** Capacity: `onDemand`, or provisioned shards sized from declared peak throughput. Default on-demand. */
  readonly capacity?: { readonly mode: "onDemand" } | ({ readonly mode: "provisioned" } & Throughput);
  /** Largest shard count a provisioned stream may get (config `streaming.maxShardsPerStream`). Default 64. */
  readonly maxShards?: number;
  /** Stream retention in hours (24-8760). Default 24. */
  readonly retentionHours?: number;
  /** Keys: `streaming` encrypts the stream and the tables, `logs` the log groups. */
  readonly keys: { readonly streaming: pulumi.Input<string>; readonly logs: pulumi.Input<string> };
  /** The lake's raw zone: Firehose destination, dead letters and on-failure destination. */
  readonly rawZone: RawZoneRef;
  /** Private subnets and security groups for the functions. Default: outside a VPC. */
  readonly network?: {
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** Processor settings. */
  readonly processor?: {
    /** Records per invocation (1-10,000). Default 100. */
    readonly batchSize?: number;
    /** Seconds to gather a batch (0-300). Default 1. */
    readonly maxBatchingWindowSeconds?: number;
    /** Concurrent batches per shard (1-10). Default 1; must be 1 with KPL aggregation. */
    readonly parallelizationFactor?: number;
    /** Retries of a failing batch before the on-failure destination (0-10,000). Default 5. */
    readonly maxRetries?: number;
    /** Records older than this (seconds, 60-604,800) go to the on-failure destination. Default 3600. */
    readonly maxRecordAgeSeconds?: number;
    /** Reserved concurrency (config `streaming.processorReservedConcurrency`). Default 10. */
    readonly reservedConcurrency?: number;
    /** Memory in MB. Default 512. */
    readonly memoryMb?: number;
    /** Timeout in seconds. Default 60. */
    readonly timeoutSeconds?: number;
    /** Producers use KPL aggregation. Default false. */
    readonly kplAggregated?: boolean;
    /** Read through an enhanced fan-out consumer (dedicated 2 MB/s per shard). Default false. */
    readonly enhancedFanOut?: boolean;
  };
  /** Serving table capacity. Default on-demand. */
  readonly table?:
    | { readonly billing: "onDemand" }
    | {
        readonly billing: "provisioned";
        readonly readUnits: number;
        readonly writeUnits: number;
        readonly maxUnits: number;
      };
  /** Largest capacity a table may scale to (config `streaming.maxTableCapacityUnits`). Default 40,000. */
  readonly maxTableCapacityUnits?: number;
  /** Days after the event time items expire (TTL). Default: never. */
  readonly ttlDays?: number;
  /** Replica regions of the serving table (global table), each with its key. Default none. */
  readonly replicas?: readonly {
    readonly region: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  }[];
  /** Firehose buffering: seconds (0-900) and MB (64-128 with dynamic partitioning). Default 60 s, 64 MB. */
  readonly delivery?: { readonly bufferingSeconds?: number; readonly bufferingMb?: number };
  /** Real-time aggregate: tumbling window length in seconds (1-900). Default: no aggregator. */
  readonly windowSeconds?: number;
  /**
   * Who writes the window table: `lambda` (the tumbling-window aggregator) or `external` (a
   * `FlinkSqlApplication` reads the stream and writes it; no aggregator function). Default `lambda`.
   */
  readonly windowWriter?: "lambda" | "external";
  /** Log retention in days. Default 14. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** SNS topic for alarm notifications. Default: alarms without actions. */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /** Alarm thresholds. Defaults: iterator age 60 s, Firehose freshness 900 s. */
  readonly alarmThresholds?: { readonly iteratorAgeMs?: number; readonly deliveryFreshnessSeconds?: number };
  /** Let `pulumi destroy` delete the tables (config `lake.allowDestroyData`). Default false: protected. */
  readonly allowDestroyData?: boolean;
}

const DEFAULTS = {
  maxShards: 64,
  retentionHours: 24,
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  parallelizationFactor: 1,
  maxRetries: 5,
  maxRecordAgeSeconds: 3600,
  reservedConcurrency: 10,
  memoryMb: 512,
  timeoutSeconds: 60,
  bufferingSeconds: 60,
  bufferingMb: 64,
  logRetentionDays: 14,
  iteratorAgeMs: 60_000,
  deliveryFreshnessSeconds: 900,
  maxTableCapacityUnits: LIMITS.dynamodbMaxCapacityUnits,
} as const;

/** Root of every data product's dead letters in the raw zone. */
export const DEAD_LETTER_ROOT = "_dead-letters/";

/** Raw-zone prefixes of one data product. */
export function rawPrefixes(product: string) {
  return {
    records: `${product}/`,
    deliveryErrors: `_errors/firehose/${product}/`,
    deadLetters: `${DEAD_LETTER_ROOT}${product}/`,
  };
}

/** The Firehose prefix that partitions on event time (`year=/month=/day=/hour=`). */
export function partitionedPrefix(product: string): string {
  return (
    `${rawPrefixes(product).records}year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/` +
    `day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/`
  );
}

function check(
  component: pulumi.Resource,
  field: string,
  value: number,
  min: number,
  max: number,
  what: string,
) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new pulumi.ResourceError(
      `${field} = ${value}: an integer from ${min} to ${max} (${what})`,
      component,
    );
  }
}

/**
 * `dataplatform:streaming:Pipeline`: the speed layer of one data product. A KMS-encrypted Kinesis
 * stream; an inline processor (validation, idempotent serving-table writes, Firehose delivery to
 * the raw zone partitioned by event time, dead letters) behind an event source mapping with
 * partial batch responses, bisection, finite retries and an on-failure destination; a DynamoDB
 * serving table (KMS, PITR, deletion protection, TTL); optionally a tumbling-window aggregator;
 * and alarms on every stage.
 */
export class Pipeline extends pulumi.ComponentResource {
  readonly stream: aws.kinesis.Stream;
  readonly table: aws.dynamodb.Table;
  readonly windowTable?: aws.dynamodb.Table;
  readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  readonly processor: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly aggregator?: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly mapping: aws.lambda.EventSourceMapping;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** Stage-by-stage metrics (`pipelineMetrics`) for dashboards and alarms. */
  readonly keyMetrics: KeyMetrics;
  readonly shardCount?: number;
  private readonly keys: PipelineArgs["keys"];

  constructor(name: string, args: PipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:streaming:Pipeline", name, {}, opts);
    const p = { ...DEFAULTS, ...args, ...args.processor, ...args.delivery, ...args.alarmThresholds };
    this.keys = args.keys;
    const product = args.dataProduct;
    if (!(dataProductNames() as string[]).includes(product)) {
      throw new pulumi.ResourceError(
        `dataProduct = "${product}": one of ${dataProductNames().join(", ")}`,
        this,
      );
    }
    const { tableKey, writeMode } = buildDataProduct(product);
    check(this, "retentionHours", p.retentionHours, 24, 8760, "hours a stream keeps records");
    check(this, "processor.batchSize", p.batchSize, 1, 10_000, "records per invocation");
    check(this, "processor.maxBatchingWindowSeconds", p.maxBatchingWindowSeconds, 0, 300, "seconds");
    check(this, "processor.parallelizationFactor", p.parallelizationFactor, 1, 10, "batches per shard");
    check(this, "processor.maxRetries", p.maxRetries, 0, 10_000, "finite retries");
    check(this, "processor.maxRecordAgeSeconds", p.maxRecordAgeSeconds, 60, 604_800, "finite record age");
    check(
      this,
      "processor.reservedConcurrency",
      p.reservedConcurrency,
      1,
      LIMITS.lambdaConcurrentExecutions,
      "Lambda account limit",
    );
    // The runtime stops work SAFETY_MARGIN_MS before the timeout: a timeout at or below it leaves none.
    check(
      this,
      "processor.timeoutSeconds",
      p.timeoutSeconds,
      Math.floor(RUNTIME_DEFAULTS.safetyMarginMs / 1000) + 1,
      900,
      `seconds; must exceed the runtime's ${RUNTIME_DEFAULTS.safetyMarginMs} ms safety margin, Lambda allows 900`,
    );
    check(this, "delivery.bufferingSeconds", p.bufferingSeconds, 0, 900, "seconds");
    check(this, "delivery.bufferingMb", p.bufferingMb, 64, 128, "MB; dynamic partitioning needs at least 64");
    if (p.parallelizationFactor > 1 && p.kplAggregated) {
      throw new pulumi.ResourceError(
        `processor.parallelizationFactor = ${p.parallelizationFactor} with kplAggregated: must be 1 (aggregated records share a partition key, so parallel batches would reorder them)`,
        this,
      );
    }
    if (args.windowSeconds !== undefined)
      check(this, "windowSeconds", args.windowSeconds, 1, 900, "tumbling window");
    const defaults = { parent: this };
    const region = aws.getRegionOutput({}, defaults).name;
    const account = aws.getCallerIdentityOutput({}, defaults).accountId;

    // Stream: KMS with the streaming key; shards from declared throughput.
    const capacity = args.capacity ?? { mode: "onDemand" as const };
    if (capacity.mode === "provisioned") {
      const shards = shardsFor(capacity);
      if (shards > p.maxShards) {
        throw new pulumi.ResourceError(
          `capacity (${capacity.recordsPerSecond} records/s, ${capacity.bytesPerSecond} bytes/s) needs ${shards} shards; maxShards = ${p.maxShards} (1,000 records/s and 1 MB/s per shard): raise maxShards or use on-demand`,
          this,
        );
      }
      this.shardCount = shards;
    }
    this.stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        encryptionType: "KMS",
        kmsKeyId: args.keys.streaming,
        retentionPeriod: p.retentionHours,
        streamModeDetails: { streamMode: capacity.mode === "provisioned" ? "PROVISIONED" : "ON_DEMAND" },
        ...(this.shardCount ? { shardCount: this.shardCount } : {}),
        shardLevelMetrics: [
          "IncomingRecords",
          "IteratorAgeMilliseconds",
          "WriteProvisionedThroughputExceeded",
        ],
      },
      defaults,
    );

    // Serving table: KMS, PITR, deletion protection, TTL; global table replicas when given.
    this.table = this.createTable(`${name}-table`, tableKey, args, p.maxTableCapacityUnits, p.ttlDays);
    if (args.windowSeconds !== undefined) {
      this.windowTable = this.createTable(
        `${name}-windows`,
        WINDOW_TABLE_KEY,
        args,
        p.maxTableCapacityUnits,
        p.ttlDays,
      );
    }

    // Firehose: direct put from the processor, dynamic partitioning on event time, KMS, logging.
    const prefixes = rawPrefixes(product);
    const deliveryLogs = this.logGroup(`${name}-delivery-logs`, p.logRetentionDays);
    const deliveryLogStream = new aws.cloudwatch.LogStream(
      `${name}-delivery-errors`,
      { logGroupName: deliveryLogs.name },
      defaults,
    );
    const deliveryRole = new aws.iam.Role(
      `${name}-delivery-role`,
      { assumeRolePolicy: assumedBy("firehose.amazonaws.com") },
      defaults,
    );
    new aws.iam.RolePolicy(
      `${name}-delivery-policy`,
      {
        role: deliveryRole.name,
        policy: pulumi
          .all([args.rawZone.bucketArn, args.rawZone.kmsKeyArn, deliveryLogs.arn])
          .apply(([bucketArn, lakeKeyArn, logGroupArn]) =>
            JSON.stringify(
              firehosePolicy({
                bucketArn,
                prefixes: [prefixes.records, prefixes.deliveryErrors],
                lakeKeyArn,
                logGroupArn,
              }),
            ),
          ),
      },
      defaults,
    );
    this.deliveryStream = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-delivery`,
      {
        destination: "extended_s3",
        serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: args.keys.streaming },
        extendedS3Configuration: {
          roleArn: deliveryRole.arn,
          bucketArn: args.rawZone.bucketArn,
          kmsKeyArn: args.rawZone.kmsKeyArn,
          bufferingInterval: p.bufferingSeconds,
          bufferingSize: p.bufferingMb,
          compressionFormat: "GZIP",
          prefix: partitionedPrefix(product),
          errorOutputPrefix: `${prefixes.deliveryErrors}!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/`,
          dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
          processingConfiguration: {
            enabled: true,
            // The processor packs up to 500 lake lines per record (newline-delimited): split them
            // again, partition each line on its `_meta`, end each with a newline in S3.
            processors: [
              {
                type: "RecordDeAggregation",
                parameters: [
                  { parameterName: "SubRecordType", parameterValue: "DELIMITED" },
                  { parameterName: "Delimiter", parameterValue: LAKE_LINE_DELIMITER_BASE64 },
                ],
              },
              {
                type: "MetadataExtraction",
                parameters: [
                  { parameterName: "MetadataExtractionQuery", parameterValue: FIREHOSE_PARTITION_QUERY },
                  { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
                ],
              },
              { type: "AppendDelimiterToRecord" },
            ],
          },
          cloudwatchLoggingOptions: {
            enabled: true,
            logGroupName: deliveryLogs.name,
            logStreamName: deliveryLogStream.name,
          },
        },
      },
      { ...defaults, dependsOn: [deliveryRole] },
    );

    // Optional enhanced fan-out consumer.
    const consumer = p.enhancedFanOut
      ? new aws.kinesis.StreamConsumer(`${name}-consumer`, { streamArn: this.stream.arn }, defaults)
      : undefined;
    const sourceArn = consumer ? consumer.arn : this.stream.arn;

    // The processor.
    const processorLogs = this.logGroup(`${name}-processor-logs`, p.logRetentionDays);
    const processorRole = this.functionRole(`${name}-processor`, {
      logGroupArn: processorLogs.arn,
      consumerArn: consumer?.arn,
      table: { arn: this.table.arn, actions: TABLE_ACTIONS.processor },
      deliveryStreamArn: this.deliveryStream.arn,
      deadLetter: { prefix: prefixes.deadLetters },
      args,
    });
    this.processor = new aws.lambda.CallbackFunction(
      `${name}-processor`,
      {
        ...inlineFunction("streamProcessor"),
        role: processorRole.role,
        runtime: "nodejs22.x",
        memorySize: p.memoryMb,
        timeout: p.timeoutSeconds,
        reservedConcurrentExecutions: p.reservedConcurrency,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON", logGroup: processorLogs.name },
        environment: {
          variables: {
            DATA_PRODUCT: product,
            TABLE_NAME: this.table.name,
            DELIVERY_STREAM_NAME: this.deliveryStream.name,
            DEAD_LETTER_BUCKET: args.rawZone.bucketName,
            // The runtime appends `<product>/<shard>/...`, so the objects land under prefixes.deadLetters.
            DEAD_LETTER_PREFIX: DEAD_LETTER_ROOT,
            ...(args.ttlDays ? { TABLE_TTL_DAYS: String(args.ttlDays) } : {}),
          },
        },
        ...(args.network
          ? {
              vpcConfig: {
                subnetIds: args.network.subnetIds,
                securityGroupIds: args.network.securityGroupIds,
              },
            }
          : {}),
      },
      { ...defaults, dependsOn: [processorRole.policy] },
    );
    this.mapping = this.mapping_(
      `${name}-processor-source`,
      sourceArn,
      this.processor,
      p,
      args.rawZone.bucketArn,
    );

    // The real-time aggregate: tumbling windows on a second consumer.
    if (args.windowSeconds !== undefined && this.windowTable && args.windowWriter !== "external") {
      const aggregatorLogs = this.logGroup(`${name}-aggregator-logs`, p.logRetentionDays);
      const aggregatorRole = this.functionRole(`${name}-aggregator`, {
        logGroupArn: aggregatorLogs.arn,
        consumerArn: consumer?.arn,
        table: { arn: this.windowTable.arn, actions: TABLE_ACTIONS.aggregator },
        args,
      });
      this.aggregator = new aws.lambda.CallbackFunction(
        `${name}-aggregator`,
        {
          ...inlineFunction("windowAggregator"),
          role: aggregatorRole.role,
          runtime: "nodejs22.x",
          memorySize: 256,
          timeout: p.timeoutSeconds,
          reservedConcurrentExecutions: Math.max(1, Math.min(p.reservedConcurrency, 10)),
          tracingConfig: { mode: "Active" },
          loggingConfig: { logFormat: "JSON", logGroup: aggregatorLogs.name },
          environment: {
            variables: {
              DATA_PRODUCT: product,
              TABLE_NAME: this.windowTable.name,
              ...(args.ttlDays ? { TABLE_TTL_DAYS: String(args.ttlDays) } : {}),
            },
          },
          ...(args.network
            ? {
                vpcConfig: {
                  subnetIds: args.network.subnetIds,
                  securityGroupIds: args.network.securityGroupIds,
                },
              }
            : {}),
        },
        { ...defaults, dependsOn: [aggregatorRole.policy] },
      );
      this.mapping_(
        `${name}-aggregator-source`,
        sourceArn,
        this.aggregator,
        { ...p, parallelizationFactor: 1 },
        args.rawZone.bucketArn,
        args.windowSeconds,
      );
    }

    this.keyMetrics = pipelineMetrics({
      dataProduct: product,
      streamName: this.stream.name,
      processorName: this.processor.name,
      tableName: this.table.name,
      deliveryStreamName: this.deliveryStream.name,
      writeOperation: writeMode === "latest" ? "PutItem" : "BatchWriteItem",
    });
    this.createAlarms(
      name,
      product,
      p,
      args.alarmTopicArn,
      writeMode === "latest" ? "PutItem" : "BatchWriteItem",
    );
    this.registerOutputs({
      streamName: this.stream.name,
      streamArn: this.stream.arn,
      tableName: this.table.name,
      deliveryStreamName: this.deliveryStream.name,
      processorName: this.processor.name,
      region,
      account,
    });
  }

  private logGroup(name: string, retentionDays: pulumi.Input<number>): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
      name,
      { retentionInDays: retentionDays, kmsKeyId: this.keys.logs },
      { parent: this },
    );
  }

  private createTable(
    name: string,
    key: { readonly hashKey: string; readonly rangeKey?: string },
    args: PipelineArgs,
    maxUnits: number,
    ttlDays: number | undefined,
  ): aws.dynamodb.Table {
    const billing = args.table ?? { billing: "onDemand" as const };
    if (billing.billing === "provisioned") {
      for (const [field, v] of [
        ["table.readUnits", billing.readUnits],
        ["table.writeUnits", billing.writeUnits],
        ["table.maxUnits", billing.maxUnits],
      ] as const) {
        check(
          this,
          field,
          v,
          1,
          maxUnits,
          `capacity units; DynamoDB allows ${LIMITS.dynamodbMaxCapacityUnits} per table`,
        );
      }
    }
    const attributes = [
      { name: key.hashKey, type: "S" },
      ...(key.rangeKey ? [{ name: key.rangeKey, type: "S" }] : []),
    ];
    const replicas = args.replicas ?? [];
    const table = new aws.dynamodb.Table(
      name,
      {
        hashKey: key.hashKey,
        ...(key.rangeKey ? { rangeKey: key.rangeKey } : {}),
        attributes,
        billingMode: billing.billing === "provisioned" ? "PROVISIONED" : "PAY_PER_REQUEST",
        ...(billing.billing === "provisioned"
          ? { readCapacity: billing.readUnits, writeCapacity: billing.writeUnits }
          : // On-demand still gets a ceiling: a runaway client cannot scale cost without bound.
            { onDemandThroughput: { maxReadRequestUnits: maxUnits, maxWriteRequestUnits: maxUnits } }),
        serverSideEncryption: { enabled: true, kmsKeyArn: args.keys.streaming },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: !args.allowDestroyData,
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: ttlDays !== undefined },
        ...(replicas.length
          ? {
              streamEnabled: true,
              streamViewType: "NEW_AND_OLD_IMAGES",
              replicas: replicas.map((r) => ({
                regionName: r.region,
                kmsKeyArn: r.kmsKeyArn,
                pointInTimeRecovery: true,
                deletionProtectionEnabled: !args.allowDestroyData,
              })),
            }
          : {}),
      },
      { parent: this, protect: !args.allowDestroyData },
    );
    if (billing.billing === "provisioned") {
      for (const dimension of ["Read", "Write"] as const) {
        const target = new aws.appautoscaling.Target(
          `${name}-${dimension.toLowerCase()}-target`,
          {
            serviceNamespace: "dynamodb",
            resourceId: pulumi.interpolate`table/${table.name}`,
            scalableDimension: `dynamodb:table:${dimension}CapacityUnits`,
            minCapacity: dimension === "Read" ? billing.readUnits : billing.writeUnits,
            maxCapacity: billing.maxUnits,
          },
          { parent: this },
        );
        new aws.appautoscaling.Policy(
          `${name}-${dimension.toLowerCase()}-scaling`,
          {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            targetTrackingScalingPolicyConfiguration: {
              targetValue: 70,
              predefinedMetricSpecification: {
                predefinedMetricType: `DynamoDB${dimension}CapacityUtilization`,
              },
            },
          },
          { parent: this },
        );
      }
    }
    return table;
  }

  private functionRole(
    name: string,
    r: {
      logGroupArn: pulumi.Input<string>;
      consumerArn?: pulumi.Input<string>;
      table: { arn: pulumi.Input<string>; actions: readonly string[] };
      deliveryStreamArn?: pulumi.Input<string>;
      deadLetter?: { prefix: string };
      args: PipelineArgs;
    },
  ): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: assumedBy("lambda.amazonaws.com") },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi
          .all([
            this.stream.arn,
            r.consumerArn,
            r.args.keys.streaming,
            r.logGroupArn,
            r.table.arn,
            r.deliveryStreamArn,
            r.args.rawZone.bucketArn,
            r.args.rawZone.kmsKeyArn,
          ])
          .apply(
            ([
              streamArn,
              consumerArn,
              streamKeyArn,
              logGroupArn,
              tableArn,
              deliveryStreamArn,
              bucketArn,
              lakeKeyArn,
            ]) =>
              JSON.stringify(
                streamFunctionPolicy({
                  streamArn,
                  ...(consumerArn ? { consumerArn } : {}),
                  streamKeyArn,
                  logGroupArn,
                  table: { arn: tableArn, keyArn: streamKeyArn, actions: r.table.actions },
                  ...(deliveryStreamArn ? { deliveryStreamArn } : {}),
                  ...(r.deadLetter
                    ? { deadLetter: { bucketArn, prefix: r.deadLetter.prefix, keyArn: lakeKeyArn } }
                    : {}),
                  onFailure: { bucketArn, keyArn: lakeKeyArn },
                  inVpc: r.args.network !== undefined,
                }),
              ),
          ),
      },
      { parent: this },
    );
    return { role, policy };
  }

  private mapping_(
    name: string,
    sourceArn: pulumi.Input<string>,
    fn: aws.lambda.Function,
    p: {
      batchSize: number;
      maxBatchingWindowSeconds: number;
      parallelizationFactor: number;
      maxRetries: number;
      maxRecordAgeSeconds: number;
    },
    onFailureBucketArn: pulumi.Input<string>,
    tumblingWindowSeconds?: number,
  ): aws.lambda.EventSourceMapping {
    return new aws.lambda.EventSourceMapping(
      name,
      {
        eventSourceArn: sourceArn,
        functionName: fn.arn,
        startingPosition: "TRIM_HORIZON",
        batchSize: p.batchSize,
        maximumBatchingWindowInSeconds: p.maxBatchingWindowSeconds,
        parallelizationFactor: p.parallelizationFactor,
        functionResponseTypes: ["ReportBatchItemFailures"],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: p.maxRetries,
        maximumRecordAgeInSeconds: p.maxRecordAgeSeconds,
        ...(tumblingWindowSeconds ? { tumblingWindowInSeconds: tumblingWindowSeconds } : {}),
        destinationConfig: { onFailure: { destinationArn: onFailureBucketArn } },
      },
      { parent: this },
    );
  }

  private createAlarms(
    name: string,
    product: string,
    p: { iteratorAgeMs: number; deliveryFreshnessSeconds: number },
    topicArn: pulumi.Input<string> | undefined,
    writeOperation: "PutItem" | "BatchWriteItem",
  ) {
    const actions = topicArn ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
    const alarm = (role: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">) => {
      this.alarms.push(
        new aws.cloudwatch.MetricAlarm(
          `${name}-${role}`,
          { treatMissingData: "notBreaching", evaluationPeriods: 1, ...a, ...actions },
          { parent: this },
        ),
      );
    };
    alarm("iterator-age", {
      alarmDescription: `${product}: the processor is falling behind the stream (iterator age)`,
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: this.stream.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: p.iteratorAgeMs,
      comparisonOperator: "GreaterThanThreshold",
    });
    for (const [metric, what] of [
      ["Errors", "invocations failed"],
      ["Throttles", "invocations were throttled"],
    ] as const) {
      alarm(`processor-${metric.toLowerCase()}`, {
        alarmDescription: `${product}: processor ${what}`,
        namespace: "AWS/Lambda",
        metricName: metric,
        dimensions: { FunctionName: this.processor.name },
        statistic: "Sum",
        period: 60,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
    }
    alarm("dead-letters", {
      alarmDescription: `${product}: records were dead-lettered (see _dead-letters/${product}/ in the raw zone)`,
      namespace: "DataPlatform/Streaming",
      metricName: "DeadLettered",
      dimensions: { DataProduct: product, FunctionName: this.processor.name },
      statistic: "Sum",
      period: 300,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
    alarm("delivery-freshness", {
      alarmDescription: `${product}: Firehose has not delivered to the lake recently`,
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: this.deliveryStream.name },
      statistic: "Maximum",
      period: 300,
      threshold: p.deliveryFreshnessSeconds,
      comparisonOperator: "GreaterThanThreshold",
    });
    // ThrottledRequests is published per table and operation only: the processor's write operation.
    alarm("table-throttles", {
      alarmDescription: `${product}: serving table requests were throttled`,
      namespace: "AWS/DynamoDB",
      metricName: "ThrottledRequests",
      dimensions: {
        TableName: this.table.name,
        Operation: writeOperation,
      },
      statistic: "Sum",
      period: 60,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
  }

  /** A role policy on `role` granting `actions` on `resourceArn` and `keyActions` on the streaming key. */
  private grant(
    name: string,
    role: aws.iam.Role,
    resourceArn: pulumi.Input<string>,
    actions: readonly string[],
    keyActions: readonly string[],
  ): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      name,
      {
        role: role.name,
        policy: pulumi.all([resourceArn, this.keys.streaming]).apply(([arn, keyArn]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: [...actions], Resource: arn },
              { Effect: "Allow", Action: [...keyActions], Resource: keyArn },
            ],
          }),
        ),
      },
      { parent: this },
    );
  }

  /** Lets `role` read the stream (and decrypt it with the streaming key). */
  grantStreamRead(name: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(name, role, this.stream.arn, STREAM_READ_ACTIONS, ["kms:Decrypt"]);
  }

  /** Lets `role` put records into the stream (producers, the ingestion API). */
  grantStreamWrite(name: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(name, role, this.stream.arn, STREAM_WRITE_ACTIONS, ["kms:GenerateDataKey"]);
  }

  /** Lets `role` read the serving table (and decrypt its items). */
  grantTableRead(name: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(name, role, this.table.arn, TABLE_READ_ACTIONS, ["kms:Decrypt", "kms:DescribeKey"]);
  }
}
