import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../../contracts/platform";
import {
  GLUE_WORKER_DPU,
  GlueEtlJob,
  grantLakeAccess,
  LakeDatabase,
  LakeTable,
  lakeBucketRef,
} from "../lake";
import type { LakeColumn } from "../lake/lakeTable";
import { LOAD_EVENTS_STATEMENT, LOAD_RUN_STATEMENT } from "../warehouse/sql";
import { BatchWorkflow, type LoadTargetValue, type SparkTarget } from "./batchWorkflow";

/** The Spark roll-up shipped in the repository (processed events → curated hourly roll-ups). */
export const DAILY_ROLLUP_SCRIPT = path.resolve(__dirname, "../../runtime/jobs/spark/daily_event_rollup.py");

/**
 * Columns of the processed events every domain's Glue job writes (`EVENT_COLUMNS` of
 * runtime/jobs/glue/raw_to_parquet.py, the warehouse's `platform.events` in order).
 */
export const PROCESSED_EVENT_COLUMNS: readonly LakeColumn[] = [
  { name: "event_id", type: "string", comment: "_meta.idempotencyKey: one row per key" },
  { name: "event_type", type: "string" },
  { name: "entity_id", type: "string" },
  { name: "event_time", type: "timestamp" },
  { name: "event_date", type: "date" },
  { name: "payload", type: "string", comment: "the raw record as JSON" },
  { name: "ingested_at", type: "timestamp" },
];

/** Where a data product's batch datasets live, by zone (each under the product's prefix). */
export function batchPrefixes(product: string) {
  return {
    raw: `${product}/`,
    processed: `${product}/events/`,
    curated: `${product}/event_rollups/`,
  } as const;
}

export interface BatchDataProductArgs {
  /** The platform's contract (lake buckets and catalog, `batch`, `warehouse`, alarm topic, keys). Required. */
  readonly platform: pulumi.Output<PlatformOutputs>;
  /** The domain (LF-tag `domain` of its databases and tables; a value of the platform's `security.dataDomains`). Required. */
  readonly domain: string;
  /** The domain's data classification (LF-tag `classification`). Required. */
  readonly classification: string;
  /** Record field of the event time. Required. */
  readonly timestampField: string;
  /** Record field of the entity an event is about (e.g. `orderId`). Required. */
  readonly entityField: string;
  /** Record field naming the kind of event (e.g. `status`). Required. */
  readonly eventTypeField: string;
  /**
   * Most DPUs of the Glue job (the platform's `batch.glueMaxDpu`); the job runs max(2, maxDpu)
   * G.1X workers. Default: the Glue job's defaults.
   */
  readonly maxDpu?: number;
  /** Log retention of the job and the workflow in days. Default: the components' defaults. */
  readonly logRetentionDays?: number;
  /** EventBridge schedule of the nightly run. Default: `BatchWorkflow`'s. */
  readonly schedule?: string;
}

/**
 * A data product's nightly batch layer, wired to the platform's shared compute through its outputs
 * (the domain consumes the platform's `batch` and `warehouse` contract fields):
 *
 * 1. Glue ETL (`raw_to_parquet.py`) for the run date's previous day: raw `<product>/` → processed
 *    `<product>/events/`, de-duplicated on `_meta.idempotencyKey`, catalogued as the `events` table
 *    of the domain's processed database (partition projection);
 * 2. the Spark roll-up (`daily_event_rollup.py`, uploaded to the platform's scripts prefix) on the
 *    platform's EMR cluster (step) or EMR Serverless application (job run, as the platform's job
 *    role), processed → curated `<product>/event_rollups/`, counting distinct event keys;
 * 3. the Redshift load through the Data API: `CALL platform.load_run(:run_date, :dataset, :rollups)`
 *    with `dataset = <product>/events/` and `rollups = <product>/event_rollups/` (the day's events
 *    merged and the day's hourly roll-ups of this product replaced, in one transaction); without a
 *    Spark step (batch off) `CALL platform.load_events_for_run(:run_date, :dataset)`.
 *
 * A platform without batch or warehouse (feature off) resolves to no Spark or load step. Resource
 * names are the ones the domain stacks had before (`<product>-to-parquet`, `<product>-nightly`).
 */
export function batchDataProduct(
  product: string,
  args: BatchDataProductArgs,
  opts: pulumi.ComponentResourceOptions,
): { etl: GlueEtlJob; workflow: BatchWorkflow; processedDatabase: LakeDatabase; eventsTable: LakeTable } {
  const { platform } = args;
  const prefixes = batchPrefixes(product);
  const processed = lakeBucketRef(platform.lake, "processed");
  const lfTags = { domain: args.domain, classification: args.classification, zone: "processed" };

  const processedDatabase = new LakeDatabase(
    `${product}-processed`,
    {
      bucket: processed,
      prefix: `${product}/`,
      description: `${product}: processed events (Parquet)`,
      lfTags,
    },
    opts,
  );
  const eventsTable = new LakeTable(
    `${product}-processed-events`,
    {
      databaseName: processedDatabase.databaseName,
      tableName: "events",
      bucket: processed,
      prefix: prefixes.processed,
      columns: PROCESSED_EVENT_COLUMNS,
      format: "parquet",
      description: `${product} events, one row per idempotency key, partitioned by event time`,
      lfTags,
    },
    opts,
  );

  const etl = new GlueEtlJob(
    `${product}-to-parquet`,
    {
      artifacts: lakeBucketRef(platform.lake, "artifacts"),
      source: { bucket: lakeBucketRef(platform.lake, "raw"), prefix: prefixes.raw },
      target: { bucket: processed, prefix: prefixes.processed },
      securityConfiguration: {
        name: platform.lake.securityConfigurationName,
        kmsKeyArn: platform.lake.kmsKeyArn,
      },
      timestampField: args.timestampField,
      entityField: args.entityField,
      eventTypeField: args.eventTypeField,
      // Sized to the DPU budget per job: G.1X workers (1 DPU each), at least two.
      ...(args.maxDpu !== undefined
        ? {
            maxDpu: args.maxDpu,
            workerType: "G.1X",
            numberOfWorkers: Math.max(2, Math.floor(args.maxDpu / GLUE_WORKER_DPU["G.1X"])),
          }
        : {}),
      ...(args.logRetentionDays !== undefined ? { logRetentionDays: args.logRetentionDays } : {}),
    },
    opts,
  );

  // Lake Formation: the job reads the domain's raw tables and writes its processed ones.
  grantLakeAccess(
    `${product}-to-parquet`,
    {
      role: etl.role,
      rules: [
        { expression: { domain: [args.domain], zone: ["raw"] }, permissions: ["SELECT", "DESCRIBE"] },
        {
          expression: { domain: [args.domain], zone: ["processed"] },
          permissions: ["SELECT", "DESCRIBE", "INSERT", "DELETE", "ALTER"],
        },
      ],
    },
    opts,
  );

  // The roll-up script goes under the platform's scripts prefix, which its Spark job role may read.
  const scriptsUri = platform.apply((p) => p.batch).apply((b) => b?.scriptsUri);
  const script = new aws.s3.BucketObjectv2(
    `${product}-rollup-script`,
    {
      bucket: platform.lake.buckets.artifacts.name,
      key: pulumi.interpolate`${scriptsUri.apply((u) => (u ? u.replace(/^s3:\/\/[^/]+\//, "") : "spark/"))}${product}/${path.basename(DAILY_ROLLUP_SCRIPT)}`,
      source: new pulumi.asset.FileAsset(DAILY_ROLLUP_SCRIPT),
      contentType: "text/x-python",
      serverSideEncryption: "aws:kms",
      kmsKeyId: platform.lake.kmsKeyArn,
      bucketKeyEnabled: true,
    },
    opts,
  );
  const bucketUri = (zone: "processed" | "curated", prefix: string) =>
    pulumi.interpolate`s3://${platform.lake.buckets[zone].name}/${prefix}`;

  const sparkTarget = platform
    .apply((p) => p.batch)
    .apply((b): SparkTarget | undefined =>
      !b
        ? undefined
        : b.kind === "emr"
          ? { kind: "emr", id: b.id, arn: b.arn }
          : { kind: "emr-serverless", id: b.id, arn: b.arn, jobRoleArn: b.jobRoleArn },
    );
  const loadTarget = platform
    .apply((p) => p.warehouse)
    .apply((w): LoadTargetValue | undefined =>
      w ? { kind: w.kind, name: w.name, arn: w.arn, database: w.database, dbUser: w.dbUser } : undefined,
    );
  const workflow = new BatchWorkflow(
    `${product}-nightly`,
    {
      glueJob: { name: etl.jobName, arn: etl.job.arn },
      spark: {
        target: sparkTarget,
        scriptUri: pulumi.interpolate`s3://${script.bucket}/${script.key}`,
        arguments: [
          "--source",
          bucketUri("processed", prefixes.processed),
          "--target",
          bucketUri("curated", prefixes.curated),
        ],
      },
      load: {
        target: loadTarget,
        // The roll-ups reach the warehouse only when a Spark step writes them.
        sql: sparkTarget.apply((t) => (t ? LOAD_RUN_STATEMENT : LOAD_EVENTS_STATEMENT)),
        parameters: sparkTarget.apply((t): Record<string, string> =>
          t ? { dataset: prefixes.processed, rollups: prefixes.curated } : { dataset: prefixes.processed },
        ),
      },
      failureTopicArn: platform.alarmTopicArn,
      failureTopicKmsKeyArn: platform.kmsKeyArns.logs,
      logKmsKeyArn: platform.kmsKeyArns.logs,
      ...(args.logRetentionDays !== undefined ? { logRetentionDays: args.logRetentionDays } : {}),
      ...(args.schedule !== undefined ? { schedule: args.schedule } : {}),
    },
    opts,
  );
  return { etl, workflow, processedDatabase, eventsTable };
}
