import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";
import { backupSelection } from "../backup/backupPlan";
import type { DomainStack } from "../core/domain";
import { AlarmSet } from "../observability/alarmSet";
import { pipelineAlarmRules } from "../observability/alarmRules";
import { DomainStreamingSchema, streamingSettings } from "./domainSettings";
import { rawEventsTable } from "./lakeTables";
import { Pipeline } from "./pipeline";

/** What a streaming domain declares about its data product, with the defaults for that product. */
export function streamingDomainConfigSchema(defaults: {
  averageRecordBytes: number;
  windowSeconds: number;
  ttlDays: number;
}) {
  return DomainConfigSchema.extend({
    /** Peak records per second; sizes a provisioned stream. Default: on-demand capacity. */
    peakRecordsPerSecond: z
      .number()
      .int()
      .positive({ error: "a positive integer (records per second)" })
      .optional(),
    /** Average record size in bytes, for shard sizing. */
    averageRecordBytes: z
      .number()
      .int()
      .min(1)
      .max(1_048_576, { error: "at most 1 MB (the Kinesis record limit)" })
      .default(defaults.averageRecordBytes),
    /** Tumbling window of the real-time aggregate, seconds. */
    windowSeconds: z
      .number()
      .int()
      .min(1)
      .max(900, { error: "1 to 900 seconds (Lambda tumbling windows)" })
      .default(defaults.windowSeconds),
    /** Days items stay in the serving table after their event time. */
    ttlDays: z.number().int().min(1).max(36_500).default(defaults.ttlDays),
    /** Overrides of the platform's streaming defaults for this domain. */
    streaming: DomainStreamingSchema.default({}),
  });
}

export type StreamingDomainConfig = z.infer<ReturnType<typeof streamingDomainConfigSchema>>;

/**
 * One data product of a streaming domain, wired from the platform contract: a `Pipeline` (the
 * platform's keys, raw zone, private subnets and Lambda security group, alarm topic; the
 * platform's streaming settings; a global-table replica with the replica key when the
 * platform replicates) and the raw-events Glue table with partition projection; the
 * pipeline's remaining alarms (thresholds from the platform's `alarms` settings) under one
 * composite "pipeline unhealthy" alarm; and, when the platform exports a backup plan, its tables
 * in that plan.
 */
export function streamingDataProduct(
  dataProduct: string,
  domain: DomainStack<StreamingDomainConfig>,
  options: { readonly windowWriter?: "lambda" | "external" } = {},
): { pipeline: Pipeline; lake: ReturnType<typeof rawEventsTable>; health: AlarmSet } {
  const cfg = domain.config;
  const platform = domain.platform;
  const streaming = streamingSettings(domain.settings.settings, cfg.streaming);
  const thresholds = domain.settings.settings.alarms;
  if (streaming.globalTables) replicaKey(domain.settings); // fails now, naming the keys to set
  const opts = { provider: domain.providers.primary };
  const pipeline = new Pipeline(
    dataProduct,
    {
      dataProduct,
      capacity: cfg.peakRecordsPerSecond
        ? {
            mode: "provisioned",
            recordsPerSecond: cfg.peakRecordsPerSecond,
            bytesPerSecond: cfg.peakRecordsPerSecond * cfg.averageRecordBytes,
          }
        : { mode: "onDemand" },
      maxShards: streaming.maxShardsPerStream,
      retentionHours: streaming.retentionHours,
      keys: { streaming: platform.kmsKeyArns.streaming, logs: platform.kmsKeyArns.logs },
      rawZone: {
        bucketName: platform.lake.buckets.raw.name,
        bucketArn: platform.lake.buckets.raw.arn,
        kmsKeyArn: platform.lake.kmsKeyArn,
      },
      network: {
        subnetIds: platform.subnetIds.private,
        securityGroupIds: [platform.securityGroupIds.lambda],
      },
      processor: { reservedConcurrency: streaming.processorReservedConcurrency },
      maxTableCapacityUnits: streaming.maxTableCapacityUnits,
      ttlDays: cfg.ttlDays,
      replicas: streaming.globalTables
        ? [
            {
              region: platform.drRegion,
              kmsKeyArn: platform.apply(replicaKey),
            },
          ]
        : [],
      windowSeconds: cfg.windowSeconds,
      ...(options.windowWriter ? { windowWriter: options.windowWriter } : {}),
      logRetentionDays: platform.logRetentionDays,
      alarmTopicArn: platform.alarmTopicArn,
      alarmThresholds: {
        iteratorAgeMs: thresholds.iteratorAgeMs,
        deliveryFreshnessSeconds: thresholds.deliveryFreshnessSeconds,
      },
      allowDestroyData: streaming.allowDestroyData,
    },
    opts,
  );
  const lake = rawEventsTable(
    dataProduct,
    { dataProduct, domain: domain.name, lake: platform.lake, classification: cfg.dataClassification },
    opts,
  );
  const health = new AlarmSet(
    `${dataProduct}-health`,
    {
      topicArn: platform.alarmTopicArn,
      rules: pipelineAlarmRules(dataProduct, pipeline.keyMetrics, thresholds),
      composite: { description: `${dataProduct}: pipeline unhealthy`, include: pipeline.alarms },
    },
    opts,
  );
  // Backup follows the platform: a platform with `backup.enabled: false` exports no plan.
  if (domain.settings.backup) {
    const plan = platform.apply((p) => p.backup!);
    backupSelection(
      `${dataProduct}-tables`,
      {
        planId: plan.planId,
        roleArn: plan.roleArn,
        resources: [pipeline.table.arn, ...(pipeline.windowTable ? [pipeline.windowTable.arn] : [])],
      },
      opts,
    );
  }
  return { pipeline, lake, health };
}

/** The streaming key's replica in the DR region, which global tables need. */
function replicaKey(platform: DomainStack<unknown>["settings"]): string {
  if (!platform.kmsReplicaKeyArns) {
    throw new Error(
      "streaming.globalTables needs multi-region keys: set data-platform:security.multiRegionKeys true, or streaming.globalTables false",
    );
  }
  return platform.kmsReplicaKeyArns.streaming;
}
