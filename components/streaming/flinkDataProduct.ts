import { z } from "zod";
import type { DomainStack } from "../core/domain";
import { FlinkSqlApplication, MAX_KPUS } from "./flinkSql";
import type { Pipeline } from "./pipeline";

/**
 * A domain's Managed Flink SQL settings (`<domain>:flink`). Off by default: the Lambda window
 * aggregator is the default writer of the window table; with `enabled: true` the Flink SQL
 * application writes it instead (the Pipeline then creates no Lambda aggregator).
 */
export const FlinkConfigSchema = z.strictObject({
  /** Run the data product's Flink SQL on Managed Service for Apache Flink. Default false. */
  enabled: z.boolean().default(false),
  /** Initial parallelism. Default 1. */
  parallelism: z
    .number()
    .int()
    .min(1)
    .max(MAX_KPUS * 8, { error: `1 to ${MAX_KPUS * 8} (${MAX_KPUS} KPUs × 8 tasks per KPU)` })
    .default(1),
  /** Parallel tasks per KPU. Default 1. */
  parallelismPerKpu: z.number().int().min(1).max(8, { error: "1 to 8 tasks per KPU" }).default(1),
  /** Managed Flink scales parallelism with CPU use. Default true. */
  autoScaling: z.boolean().default(true),
  /** Checkpoint interval, seconds. Default 60. */
  checkpointIntervalSeconds: z.number().int().min(10).max(3600, { error: "10 to 3,600 seconds" }).default(60),
});

export type FlinkConfig = z.infer<typeof FlinkConfigSchema>;

/** What a domain config with a Flink section looks like (`<domain>:flink`, every key optional). */
export const FlinkConfigField = FlinkConfigSchema.default({
  enabled: false,
  parallelism: 1,
  parallelismPerKpu: 1,
  autoScaling: true,
  checkpointIntervalSeconds: 60,
});

/**
 * Who writes a domain's window table: `flink` when `<domain>:flink.enabled`, else the Lambda
 * aggregator. Refuses Flink on the `local` environment (no Managed Flink emulator) and without a
 * window (`windowSeconds`), naming the key.
 */
export function windowWriter(
  domainName: string,
  environment: string,
  flink: FlinkConfig,
): "lambda" | "flink" {
  if (!flink.enabled) return "lambda";
  if (environment === "local") {
    throw new Error(
      `${domainName}:flink.enabled = true: not on the local environment (no Managed Flink emulator); the Lambda aggregator writes the windows there`,
    );
  }
  return "flink";
}

/**
 * The Flink SQL application of a streaming data product, wired from the platform contract: the
 * product's stream (streaming key), the Pipeline's window table, the code package in the artifacts
 * bucket (lake key), the streaming key for the application's state, the logs key, the private
 * subnets. Undefined unless `<domain>:flink.enabled`.
 */
export function flinkDataProduct(
  dataProduct: string,
  domain: DomainStack<{ flink: FlinkConfig; windowSeconds: number; ttlDays: number }>,
  pipeline: Pipeline,
): FlinkSqlApplication | undefined {
  const cfg = domain.config;
  if (windowWriter(domain.name, domain.settings.environment, cfg.flink) !== "flink") return undefined;
  if (!pipeline.windowTable) {
    throw new Error(
      `${domain.name}:flink.enabled = true needs a window table: the pipeline has no windowSeconds`,
    );
  }
  // ARNs and ids through the StackReference's output (not the plain settings), so every input is
  // traced to the platform stack (the fresh-account check's `untraced` finding).
  const p = domain.platform;
  return new FlinkSqlApplication(
    `${dataProduct}-flink`,
    {
      dataProduct,
      stream: { arn: pipeline.stream.arn, kmsKeyArn: p.kmsKeyArns.streaming },
      windowTable: {
        name: pipeline.windowTable.name,
        arn: pipeline.windowTable.arn,
        kmsKeyArn: p.kmsKeyArns.streaming,
      },
      code: {
        bucketName: p.lake.buckets.artifacts.name,
        bucketArn: p.lake.buckets.artifacts.arn,
        kmsKeyArn: p.lake.kmsKeyArn,
      },
      keys: { application: p.kmsKeyArns.streaming, logs: p.kmsKeyArns.logs },
      network: { vpcId: p.vpcId, subnetIds: p.subnetIds.private },
      windowSeconds: cfg.windowSeconds,
      ttlDays: cfg.ttlDays,
      parallelism: cfg.flink.parallelism,
      parallelismPerKpu: cfg.flink.parallelismPerKpu,
      autoScaling: cfg.flink.autoScaling,
      checkpointIntervalSeconds: cfg.flink.checkpointIntervalSeconds,
      logRetentionDays: p.logRetentionDays,
      alarmTopicArn: p.alarmTopicArn,
    },
    { provider: domain.providers.primary },
  );
}
