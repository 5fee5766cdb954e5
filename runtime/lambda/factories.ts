import { createWindowAggregator, type WindowResponse, type WindowState } from "../aggregator/aggregator";
import { buildFeatureSet } from "../features";
import { createKinesisProcessor } from "../processor/processor";
import { buildDataProduct } from "../schemas";
import { dynamoDbPort, featureStorePort, firehosePort, objectStorePort } from "../sinks/ports";
import { SDK_CLIENT_DEFAULTS } from "../constants";
import { lambdaTelemetry } from "../telemetry/powertools";
import type { BatchResponse, InvocationContext, KinesisStreamEvent, KinesisWindowEvent } from "../types";
import { readAggregatorEnvironment, readProcessorEnvironment } from "./env";

/*
 * Lambda entry factories. They are compiled into the runtime bundle (`entry.ts` → esbuild →
 * `.lambda/runtime.js`), never serialized: the closure `CallbackFunction` uploads only requires
 * the bundle and calls one of them (see runtime/README.md, "The deployment package"). Lambda runs
 * a factory once per container: SDK clients and the compiled schema are built here, and every
 * setting comes from the environment.
 *
 * Telemetry is Powertools for AWS Lambda: Logger for the JSON logs, Metrics (in `telemetry/emf`)
 * for the per-batch EMF line, Tracer around every SDK client (X-Ray subsegments per call).
 */

/**
 * Settings of every SDK client: explicit attempts and timeouts (`SDK_CLIENT_DEFAULTS`). Each call
 * also gets the invocation's abort signal, so none outlives the safety margin.
 */
export function sdkClientConfig(): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
} {
  return {
    maxAttempts: SDK_CLIENT_DEFAULTS.maxAttempts,
    requestHandler: {
      connectionTimeout: SDK_CLIENT_DEFAULTS.connectionTimeoutMs,
      requestTimeout: SDK_CLIENT_DEFAULTS.requestTimeoutMs,
    },
  };
}

/**
 * Lambda factory of a stream processor (Kinesis event source mapping with
 * `FunctionResponseTypes: ["ReportBatchItemFailures"]`). Reads DATA_PRODUCT, TABLE_NAME,
 * DELIVERY_STREAM_NAME and/or FEATURE_GROUP_NAME, DEAD_LETTER_BUCKET (see runtime/README.md).
 *
 * @example
 * new aws.lambda.CallbackFunction(`${name}-processor`, {
 *   ...inlineFunction("streamProcessor"), // its closure calls this factory inside the bundle
 *   role: role.arn,
 *   environment: { variables: { DATA_PRODUCT: "orders", TABLE_NAME: table.name, DEAD_LETTER_BUCKET: dlq.bucket } },
 * }, { parent: this });
 */
export function streamProcessorFactory(): (
  event: KinesisStreamEvent,
  context: InvocationContext,
) => Promise<BatchResponse> {
  const cfg = readProcessorEnvironment(process.env);
  const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
  const { FirehoseClient } = require("@aws-sdk/client-firehose");
  const { S3Client } = require("@aws-sdk/client-s3");
  const product = buildDataProduct(cfg.dataProduct);
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const telemetry = lambdaTelemetry({
    serviceName: functionName ?? `${product.name}-processor`,
    level: cfg.logLevel,
    base: { dataProduct: product.name, ...(functionName ? { functionName } : {}) },
  });
  const client = <C>(c: C): C => telemetry.tracer.captureAWSv3Client(c as never) as C;
  const sdk = sdkClientConfig();
  const handler = createKinesisProcessor({
    product,
    ...(cfg.tableName === undefined
      ? {}
      : {
          table: {
            port: dynamoDbPort(client(new DynamoDBClient(sdk))),
            tableName: cfg.tableName,
            ...(cfg.ttlDays === undefined ? {} : { ttlDays: cfg.ttlDays }),
          },
        }),
    ...(cfg.deliveryStreamName === undefined
      ? {}
      : {
          delivery: {
            port: firehosePort(client(new FirehoseClient(sdk))),
            deliveryStreamName: cfg.deliveryStreamName,
          },
        }),
    ...(cfg.featureGroupName === undefined
      ? {}
      : {
          features: {
            port: featureStorePort(
              client(
                new (require("@aws-sdk/client-sagemaker-featurestore-runtime").SageMakerFeatureStoreRuntimeClient)(
                  sdk,
                ),
              ),
            ),
            featureGroupName: cfg.featureGroupName,
            featureSet: buildFeatureSet(cfg.dataProduct),
            concurrency: cfg.featureConcurrency,
          },
        }),
    deadLetter: {
      port: objectStorePort(client(new S3Client({ ...sdk, forcePathStyle: cfg.s3ForcePathStyle }))),
      bucket: cfg.deadLetterBucket,
      prefix: cfg.deadLetterPrefix,
    },
    logger: telemetry.logger,
    writeMetrics: telemetry.writeMetrics,
    metricsNamespace: cfg.metricsNamespace,
    ...(functionName ? { functionName } : {}),
    safetyMarginMs: cfg.safetyMarginMs,
    writeConcurrency: cfg.writeConcurrency,
    retry: { baseDelayMs: cfg.retryBaseDelayMs, maxDelayMs: cfg.retryMaxDelayMs },
  });
  return (event, context) => {
    telemetry.addContext(context);
    return handler(event, context);
  };
}

/**
 * Lambda factory of a tumbling-window aggregator (event source mapping with
 * `TumblingWindowInSeconds`). Reads DATA_PRODUCT and TABLE_NAME (a table keyed `pk`/`sk`).
 *
 * @example
 * new aws.lambda.CallbackFunction(`${name}-aggregator`, {
 *   ...inlineFunction("windowAggregator"), role: role.arn,
 *   environment: { variables: { DATA_PRODUCT: "clickstream", TABLE_NAME: windows.name } },
 * }, { parent: this });
 */
export function windowAggregatorFactory(): (
  event: KinesisWindowEvent<WindowState>,
  context: InvocationContext,
) => Promise<WindowResponse> {
  const cfg = readAggregatorEnvironment(process.env);
  const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
  const product = buildDataProduct(cfg.dataProduct);
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const telemetry = lambdaTelemetry({
    serviceName: functionName ?? `${product.name}-aggregator`,
    level: cfg.logLevel,
    base: { dataProduct: product.name, ...(functionName ? { functionName } : {}) },
  });
  const handler = createWindowAggregator({
    product,
    table: {
      port: dynamoDbPort(telemetry.tracer.captureAWSv3Client(new DynamoDBClient(sdkClientConfig()))),
      tableName: cfg.tableName,
      ...(cfg.ttlDays === undefined ? {} : { ttlDays: cfg.ttlDays }),
    },
    logger: telemetry.logger,
    writeMetrics: telemetry.writeMetrics,
    metricsNamespace: cfg.metricsNamespace,
    metricTopKeys: cfg.metricTopKeys,
    safetyMarginMs: cfg.safetyMarginMs,
    retry: { baseDelayMs: cfg.retryBaseDelayMs, maxDelayMs: cfg.retryMaxDelayMs },
  });
  return (event, context) => {
    telemetry.addContext(context);
    return handler(event, context);
  };
}
