import { RUNTIME_DEFAULTS } from "../constants";
import { RuntimeConfigError } from "../errors";
import { LOG_LEVELS, type LogLevel } from "../telemetry/log";

/**
 * Environment variables the runtime reads (the whole configuration of a deployed function).
 * Endpoints for local emulators use the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
export const ENVIRONMENT_VARIABLES = {
  DATA_PRODUCT: "data product name from the schema registry (runtime/schemas): required",
  TABLE_NAME: "serving table (processor) or window table (aggregator); required for the aggregator",
  TABLE_TTL_DAYS:
    "days after the event time (window end) at which items expire via the `expiresAt` TTL attribute; unset: no expiry",
  DELIVERY_STREAM_NAME:
    "Firehose delivery stream to the lake raw zone (processor); TABLE_NAME or this is required",
  FEATURE_GROUP_NAME:
    "SageMaker feature group the processor writes with PutRecord (feature set of DATA_PRODUCT, runtime/features); TABLE_NAME, DELIVERY_STREAM_NAME or this is required",
  FEATURE_CONCURRENCY: `parallel PutRecord calls (feature groups), default ${RUNTIME_DEFAULTS.writeConcurrency}`,
  DEAD_LETTER_BUCKET: "S3 bucket receiving one JSON object per poison record (processor): required",
  DEAD_LETTER_PREFIX: "key prefix of dead letters, default `dead-letters/`",
  SAFETY_MARGIN_MS: `stop starting work this long before the Lambda timeout, default ${RUNTIME_DEFAULTS.safetyMarginMs}`,
  WRITE_CONCURRENCY: `parallel conditional PutItem calls (latest-state products), default ${RUNTIME_DEFAULTS.writeConcurrency}`,
  RETRY_BASE_DELAY_MS: `first retry delay (full jitter, doubling), default ${RUNTIME_DEFAULTS.retryBaseDelayMs}`,
  RETRY_MAX_DELAY_MS: `largest retry delay, default ${RUNTIME_DEFAULTS.retryMaxDelayMs}`,
  METRICS_NAMESPACE: `CloudWatch namespace of the embedded metrics, default ${RUNTIME_DEFAULTS.metricsNamespace}`,
  WINDOW_METRIC_TOP_KEYS: `per-key window metrics for this many keys (aggregator), default ${RUNTIME_DEFAULTS.windowMetricTopKeys}`,
  LOG_LEVEL: "debug, info, warn or error; default info",
  S3_FORCE_PATH_STYLE: "`true` to address S3 by path (local S3 emulators); default false",
  AWS_ENDPOINT_URL_DYNAMODB: "SDK endpoint override for DynamoDB (local emulators only)",
  AWS_ENDPOINT_URL_FIREHOSE: "SDK endpoint override for Firehose (local emulators only)",
  AWS_ENDPOINT_URL_S3: "SDK endpoint override for S3 (local emulators only)",
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Configuration of a stream processor, read from the environment. */
export interface ProcessorEnvironment {
  readonly dataProduct: string;
  readonly tableName?: string;
  readonly ttlDays?: number;
  readonly deliveryStreamName?: string;
  readonly featureGroupName?: string;
  readonly featureConcurrency: number;
  readonly deadLetterBucket: string;
  readonly deadLetterPrefix: string;
  readonly safetyMarginMs: number;
  readonly writeConcurrency: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly metricsNamespace: string;
  readonly logLevel: LogLevel;
  readonly s3ForcePathStyle: boolean;
}

/** Configuration of a window aggregator, read from the environment. */
export interface AggregatorEnvironment {
  readonly dataProduct: string;
  readonly tableName: string;
  readonly ttlDays?: number;
  readonly safetyMarginMs: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly metricsNamespace: string;
  readonly metricTopKeys: number;
  readonly logLevel: LogLevel;
}

function required(env: Environment, name: keyof typeof ENVIRONMENT_VARIABLES): string {
  const v = env[name];
  if (v === undefined || v.trim() === "") throw new RuntimeConfigError(name, v, ENVIRONMENT_VARIABLES[name]);
  return v;
}

function optional(env: Environment, name: keyof typeof ENVIRONMENT_VARIABLES): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v;
}

function integer(
  env: Environment,
  name: keyof typeof ENVIRONMENT_VARIABLES,
  fallback: number,
  min: number,
  max: number,
): number;
function integer(
  env: Environment,
  name: keyof typeof ENVIRONMENT_VARIABLES,
  fallback: undefined,
  min: number,
  max: number,
): number | undefined;
function integer(
  env: Environment,
  name: keyof typeof ENVIRONMENT_VARIABLES,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  const v = optional(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RuntimeConfigError(name, v, `an integer from ${min} to ${max}`);
  }
  return n;
}

function logLevel(env: Environment): LogLevel {
  const v = optional(env, "LOG_LEVEL") ?? "info";
  if (!Object.prototype.hasOwnProperty.call(LOG_LEVELS, v)) {
    throw new RuntimeConfigError("LOG_LEVEL", v, Object.keys(LOG_LEVELS).join(", "));
  }
  return v as LogLevel;
}

/**
 * Reads and checks a stream processor's environment; a bad value throws a `RuntimeConfigError`
 * naming the variable (the function then fails at cold start, visibly, instead of per record).
 *
 * @example
 * const cfg = readProcessorEnvironment(process.env);
 */
export function readProcessorEnvironment(env: Environment): ProcessorEnvironment {
  const tableName = optional(env, "TABLE_NAME");
  const deliveryStreamName = optional(env, "DELIVERY_STREAM_NAME");
  const featureGroupName = optional(env, "FEATURE_GROUP_NAME");
  if (tableName === undefined && deliveryStreamName === undefined && featureGroupName === undefined) {
    throw new RuntimeConfigError(
      "TABLE_NAME",
      undefined,
      "at least one of TABLE_NAME, DELIVERY_STREAM_NAME and FEATURE_GROUP_NAME must be set",
    );
  }
  const forcePath = optional(env, "S3_FORCE_PATH_STYLE") ?? "false";
  if (forcePath !== "true" && forcePath !== "false")
    throw new RuntimeConfigError("S3_FORCE_PATH_STYLE", forcePath, "true or false");
  const ttlDays = integer(env, "TABLE_TTL_DAYS", undefined, 1, 36_500);
  return {
    dataProduct: required(env, "DATA_PRODUCT"),
    ...(tableName === undefined ? {} : { tableName }),
    ...(ttlDays === undefined ? {} : { ttlDays }),
    ...(deliveryStreamName === undefined ? {} : { deliveryStreamName }),
    ...(featureGroupName === undefined ? {} : { featureGroupName }),
    featureConcurrency: integer(env, "FEATURE_CONCURRENCY", RUNTIME_DEFAULTS.writeConcurrency, 1, 256),
    deadLetterBucket: required(env, "DEAD_LETTER_BUCKET"),
    deadLetterPrefix: optional(env, "DEAD_LETTER_PREFIX") ?? "dead-letters/",
    safetyMarginMs: integer(env, "SAFETY_MARGIN_MS", RUNTIME_DEFAULTS.safetyMarginMs, 0, 900_000),
    writeConcurrency: integer(env, "WRITE_CONCURRENCY", RUNTIME_DEFAULTS.writeConcurrency, 1, 256),
    retryBaseDelayMs: integer(env, "RETRY_BASE_DELAY_MS", RUNTIME_DEFAULTS.retryBaseDelayMs, 1, 60_000),
    retryMaxDelayMs: integer(env, "RETRY_MAX_DELAY_MS", RUNTIME_DEFAULTS.retryMaxDelayMs, 1, 300_000),
    metricsNamespace: optional(env, "METRICS_NAMESPACE") ?? RUNTIME_DEFAULTS.metricsNamespace,
    logLevel: logLevel(env),
    s3ForcePathStyle: forcePath === "true",
  };
}

/**
 * Reads and checks a window aggregator's environment.
 *
 * @example
 * const cfg = readAggregatorEnvironment(process.env);
 */
export function readAggregatorEnvironment(env: Environment): AggregatorEnvironment {
  const ttlDays = integer(env, "TABLE_TTL_DAYS", undefined, 1, 36_500);
  return {
    dataProduct: required(env, "DATA_PRODUCT"),
    tableName: required(env, "TABLE_NAME"),
    ...(ttlDays === undefined ? {} : { ttlDays }),
    safetyMarginMs: integer(env, "SAFETY_MARGIN_MS", RUNTIME_DEFAULTS.safetyMarginMs, 0, 900_000),
    retryBaseDelayMs: integer(env, "RETRY_BASE_DELAY_MS", RUNTIME_DEFAULTS.retryBaseDelayMs, 1, 60_000),
    retryMaxDelayMs: integer(env, "RETRY_MAX_DELAY_MS", RUNTIME_DEFAULTS.retryMaxDelayMs, 1, 300_000),
    metricsNamespace: optional(env, "METRICS_NAMESPACE") ?? RUNTIME_DEFAULTS.metricsNamespace,
    metricTopKeys: integer(env, "WINDOW_METRIC_TOP_KEYS", RUNTIME_DEFAULTS.windowMetricTopKeys, 0, 100),
    logLevel: logLevel(env),
  };
}
