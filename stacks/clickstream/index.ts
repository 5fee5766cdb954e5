/**
 * The clickstream domain: high-volume web events on a KMS-encrypted stream (provisioned from the
 * declared peak in prod), one serving-table item per event (idempotent by event id), the raw events
 * in the lake partitioned by event time, real-time page-view counts per page in tumbling windows,
 * and a Glue table with partition projection so Athena sees new hours without a crawler.
 */
import * as pulumi from "@pulumi/pulumi";
import { openDomain } from "../../components/core/domain";
import { Pipeline } from "../../components/streaming";
import { streamingSettings } from "../../components/streaming/domainSettings";
import { rawEventsTable } from "../../components/streaming/lakeTables";
import { configSchema } from "./config";

const domain = openDomain(configSchema);
const cfg = domain.config;
const streaming = streamingSettings(pulumi.getStack(), cfg.streaming);
const platform = domain.platform;
const opts = { provider: domain.providers.primary };

const clickstream = new Pipeline(
  "clickstream",
  {
    dataProduct: "clickstream",
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
    network: { subnetIds: platform.subnetIds.private, securityGroupIds: [platform.securityGroupIds.lambda] },
    processor: { reservedConcurrency: streaming.processorReservedConcurrency },
    maxTableCapacityUnits: streaming.maxTableCapacityUnits,
    ttlDays: cfg.ttlDays,
    replicas: streaming.globalTables
      ? [
          {
            region: platform.drRegion,
            kmsKeyArn: platform.apply((p) => {
              if (!p.kmsReplicaKeyArns)
                throw new Error("streaming.globalTables needs multi-region keys (security.multiRegionKeys)");
              return p.kmsReplicaKeyArns.streaming;
            }),
          },
        ]
      : [],
    windowSeconds: cfg.windowSeconds,
    logRetentionDays: platform.logRetentionDays,
    allowDestroyData: streaming.allowDestroyData,
  },
  opts,
);

const lake = rawEventsTable(
  "clickstream",
  { dataProduct: "clickstream", domain: domain.name, lake: platform.lake },
  opts,
);

export const streamName = clickstream.stream.name;
export const streamArn = clickstream.stream.arn;
export const servingTableName = clickstream.table.name;
export const windowTableName = clickstream.windowTable?.name;
export const deliveryStreamName = clickstream.deliveryStream.name;
export const processorName = clickstream.processor.name;
export const rawDatabase = lake.database.databaseName;
export const rawTable = lake.table.tableName;
