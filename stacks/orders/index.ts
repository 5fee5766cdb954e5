/**
 * The orders domain: order events on a KMS-encrypted stream, the latest state of every order in a
 * serving table keyed by order id (conditional, versioned writes), the raw events in the lake
 * partitioned by event time, order totals per currency in real-time windows, and a Glue table with
 * partition projection so Athena sees new hours without a crawler.
 */
import { QuickSightLake } from "../../components/bi";
import { loadDomain } from "../../components/core/domain";
import { AlarmSet, Dashboard, glueJobAlarmRules, workflowAlarmRules } from "../../components/observability";
import { batchDataProduct } from "../../components/orchestration";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { configSchema } from "./config";

export = async () => {
  const domain = await loadDomain(configSchema);
  const platform = domain.platform;
  const settings = domain.settings;
  const opts = { provider: domain.providers.primary };
  const { pipeline: orders, lake } = streamingDataProduct("orders", domain);

  // Batch layer (components/orchestration/dataProduct.ts): the nightly workflow runs the Glue job
  // (raw → processed Parquet, de-duplicated), the Spark roll-up on the platform's `batch` compute and
  // the Redshift load into the platform's `warehouse`, both read from the platform's outputs. The Glue
  // job is sized to the platform's DPU budget per job (data-platform:batch.glueMaxDpu).
  const { etl, workflow: nightly } = batchDataProduct(
    "orders",
    {
      platform,
      domain: domain.name,
      classification: domain.config.dataClassification,
      timestampField: "occurredAt",
      entityField: "orderId",
      eventTypeField: "status",
      maxDpu: settings.settings.batch.glueMaxDpu,
      logRetentionDays: settings.logRetentionDays,
      schedule: "cron(15 1 * * ? *)",
    },
    opts,
  );

  // QuickSight on the curated roll-ups the nightly Spark step writes (orders:quicksight; docs/bootstrap.md).
  const qs = domain.config.quicksight;
  const quicksight = qs.enabled
    ? new QuickSightLake(
        "orders-quicksight",
        {
          lake: platform.lake,
          product: "orders",
          lfTags: { domain: domain.name, classification: domain.config.dataClassification },
          principalArn: qs.principalArn!,
          importMode: qs.importMode,
        },
        opts,
      )
    : undefined;

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

  return {
    streamName: orders.stream.name,
    streamArn: orders.stream.arn,
    servingTableName: orders.table.name,
    windowTableName: orders.windowTable?.name,
    deliveryStreamName: orders.deliveryStream.name,
    processorName: orders.processor.name,
    rawDatabase: lake.database.databaseName,
    rawTable: lake.table.tableName,
    etlJobName: etl.jobName,
    nightlyStateMachineArn: nightly.stateMachineArn,
    quicksightDataSetArn: quicksight?.dataSet.arn,
  };
};
