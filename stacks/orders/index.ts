/**
 * The orders domain: order events on a KMS-encrypted stream, the latest state of every order in a
 * serving table keyed by order id (conditional, versioned writes), the raw events in the lake
 * partitioned by event time, order totals per currency in real-time windows, and a Glue table with
 * partition projection so Athena sees new hours without a crawler.
 */
import { loadDomain } from "../../components/core/domain";
import { GLUE_WORKER_DPU, GlueEtlJob, lakeBucketRef } from "../../components/lake";
import { AlarmSet, Dashboard, glueJobAlarmRules, workflowAlarmRules } from "../../components/observability";
import { BatchWorkflow } from "../../components/orchestration";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { configSchema } from "./config";

export = async () => {
  const domain = await loadDomain(configSchema);
  const platform = domain.platform;
  const settings = domain.settings;
  const opts = { provider: domain.providers.primary };
  const { pipeline: orders, lake } = streamingDataProduct("orders", domain);

  // Batch layer: a nightly Glue job turns the raw JSON events into Parquet in the processed zone,
  // orchestrated by Step Functions (retries, failure notification, logging, tracing) on a schedule.
  const etl = new GlueEtlJob(
    "orders-to-parquet",
    {
      artifacts: lakeBucketRef(platform.lake, "artifacts"),
      source: { bucket: lakeBucketRef(platform.lake, "raw"), prefix: "orders/" },
      target: { bucket: lakeBucketRef(platform.lake, "processed"), prefix: "orders/" },
      securityConfiguration: {
        name: platform.lake.securityConfigurationName,
        kmsKeyArn: platform.lake.kmsKeyArn,
      },
      timestampField: "occurredAt",
      // Sized to the platform's DPU budget per job (data-platform:batch.glueMaxDpu): G.1X workers, 1 DPU each.
      workerType: "G.1X",
      numberOfWorkers: Math.max(2, Math.floor(settings.settings.batch.glueMaxDpu / GLUE_WORKER_DPU["G.1X"])),
      maxDpu: settings.settings.batch.glueMaxDpu,
      logRetentionDays: settings.logRetentionDays,
    },
    opts,
  );
  const nightly = new BatchWorkflow(
    "orders-nightly",
    {
      glueJob: { name: etl.jobName, arn: etl.job.arn },
      failureTopicArn: platform.alarmTopicArn,
      logKmsKeyArn: platform.kmsKeyArns.logs,
      logRetentionDays: settings.logRetentionDays,
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
  };
};
