import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";
import { AlarmsSchema, BackupSchema } from "../../config/observability";
import { backupSelection } from "../backup/backupPlan";
import type { DomainContext } from "../core/domain";
import { AlarmSet } from "../observability/alarmSet";
import { pipelineAlarmRules } from "../observability/alarmRules";
import { DomainStreamingSchema, environmentDefaults, streamingSettings } from "./domainSettings";
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
 * environment's streaming settings; a global-table replica with the replica key when the
 * environment replicates) and the raw-events Glue table with partition projection; the
 * pipeline's remaining alarms (thresholds from the environment's `alarms` defaults) under one
 * composite "pipeline unhealthy" alarm; and, when the environment backs up, its tables in the
 * platform's AWS Backup plan.
 */
export function streamingDataProduct(
  dataProduct: string,
  domain: DomainContext<StreamingDomainConfig>,
): { pipeline: Pipeline; lake: ReturnType<typeof rawEventsTable>; health: AlarmSet } {
  const cfg = domain.config;
  const platform = domain.platform;
  const streaming = streamingSettings(pulumi.getStack(), cfg.streaming);
  const envDefaults = environmentDefaults(pulumi.getStack());
  const thresholds = AlarmsSchema.parse(envDefaults.alarms);
  const backup = BackupSchema.parse(envDefaults.backup);
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
              kmsKeyArn: platform.apply((p) => {
                if (!p.kmsReplicaKeyArns) {
                  throw new Error(
                    "streaming.globalTables needs multi-region keys (security.multiRegionKeys)",
                  );
                }
                return p.kmsReplicaKeyArns.streaming;
              }),
            },
          ]
        : [],
      windowSeconds: cfg.windowSeconds,
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
  if (backup.enabled) {
    const plan = platform.apply((p) => {
      if (!p.backup) throw new Error("backup.enabled but the platform stack exports no backup plan");
      return p.backup;
    });
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
