/**
 * The orders domain: order events on a KMS-encrypted stream, the latest state of every order in a
 * serving table keyed by order id (conditional, versioned writes), the raw events in the lake
 * partitioned by event time, order totals per currency in real-time windows, and a Glue table with
 * partition projection so Athena sees new hours without a crawler.
 */
import * as pulumi from "@pulumi/pulumi";
import { openDomain } from "../../components/core/domain";
import { AlarmSet, Dashboard, glueJobAlarmRules, workflowAlarmRules } from "../../components/observability";
import { batchDataProduct } from "../../components/orchestration";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { environmentDefaults } from "../../components/streaming/domainSettings";
import { configSchema } from "./config";

const domain = openDomain(configSchema);
const platform = domain.platform;
const opts = { provider: domain.providers.primary };
const { pipeline: orders, lake } = streamingDataProduct("orders", domain);

// Batch layer (components/orchestration/dataProduct.ts): the nightly workflow runs the Glue job
// (raw → processed Parquet, de-duplicated), the Spark roll-up on the platform's `batch` compute and the
// Redshift load into the platform's `warehouse`, both read from the platform's outputs.
const defaults = environmentDefaults(pulumi.getStack());
const { etl, workflow: nightly } = batchDataProduct(
  "orders",
  {
    platform,
    domain: domain.name,
    classification: domain.config.dataClassification,
    timestampField: "occurredAt",
    entityField: "orderId",
    eventTypeField: "status",
    maxDpu: defaults.batch.glueMaxDpu as number,
    logRetentionDays: defaults.observability.logRetentionDays as number,
    schedule: "cron(15 1 * * ? *)",
  },
  opts,
);

// Operations: the batch layer's alarms and the domain dashboard (one section per component).
new AlarmSet(
  "orders-batch",
  {
    topicArn: platform.alarmTopicArn,
    rules: {
      ...glueJobAlarmRules("orders-to-parquet", etl.keyMetrics),
      ...workflowAlarmRules("orders-nightly", nightly.keyMetrics),
    },
  },
  opts,
);
new Dashboard(
  "orders",
  {
    sections: {
      "orders pipeline": orders.keyMetrics,
      "orders-to-parquet (Glue)": etl.keyMetrics,
      "orders-nightly (Step Functions)": nightly.keyMetrics,
    },
  },
  opts,
);

export const streamName = orders.stream.name;
export const streamArn = orders.stream.arn;
export const servingTableName = orders.table.name;
export const windowTableName = orders.windowTable?.name;
export const deliveryStreamName = orders.deliveryStream.name;
export const processorName = orders.processor.name;
export const rawDatabase = lake.database.databaseName;
export const rawTable = lake.table.tableName;
export const etlJobName = etl.jobName;
export const nightlyStateMachineArn = nightly.stateMachineArn;
