import type {
  AttributeValue,
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  DynamoDBClient,
  PutItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import type {
  FirehoseClient,
  PutRecordBatchCommandInput,
  PutRecordBatchCommandOutput,
} from "@aws-sdk/client-firehose";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import type {
  PutRecordCommandInput,
  SageMakerFeatureStoreRuntimeClient,
} from "@aws-sdk/client-sagemaker-featurestore-runtime";

/** Per-call options: the signal aborts the call when the invocation reaches its safety margin. */
export interface CallOptions {
  readonly abortSignal?: AbortSignal;
}

/**
 * The DynamoDB operations the runtime uses, in the SDK's own input/output shapes. Production
 * passes `dynamoDbPort(new DynamoDBClient())`; tests pass the same adapter over an emulator, or a
 * wrapper that injects faults.
 */
export interface DynamoDbPort {
  batchWriteItem(
    input: BatchWriteItemCommandInput,
    options?: CallOptions,
  ): Promise<{
    UnprocessedItems?: Record<string, { PutRequest?: { Item?: Record<string, AttributeValue> } }[]>;
  }>;
  putItem(input: PutItemCommandInput, options?: CallOptions): Promise<unknown>;
}

/** The Firehose operation the runtime uses. */
export interface FirehosePort {
  putRecordBatch(
    input: PutRecordBatchCommandInput,
    options?: CallOptions,
  ): Promise<{
    FailedPutCount?: number;
    RequestResponses?: { RecordId?: string; ErrorCode?: string; ErrorMessage?: string }[];
  }>;
}

/** The S3 operation the dead-letter writer uses. */
export interface ObjectStorePort {
  putObject(input: PutObjectCommandInput, options?: CallOptions): Promise<unknown>;
}

/** The Feature Store runtime operation the feature sink uses (one record per call; no batch API). */
export interface FeatureStorePort {
  putRecord(input: PutRecordCommandInput, options?: CallOptions): Promise<unknown>;
}

/** Adapts an SDK v3 DynamoDB client. */
export function dynamoDbPort(client: DynamoDBClient): DynamoDbPort {
  // Loaded on first use: only the adapters need the SDK (which the Lambda runtime provides).
  const { BatchWriteItemCommand, PutItemCommand } = require("@aws-sdk/client-dynamodb");
  return {
    batchWriteItem: (input, options) =>
      client.send(new BatchWriteItemCommand(input), options) as Promise<BatchWriteItemCommandOutput>,
    putItem: (input, options) => client.send(new PutItemCommand(input), options),
  };
}

/** Adapts an SDK v3 Firehose client. */
export function firehosePort(client: FirehoseClient): FirehosePort {
  const { PutRecordBatchCommand } = require("@aws-sdk/client-firehose");
  return {
    putRecordBatch: (input, options) =>
      client.send(new PutRecordBatchCommand(input), options) as Promise<PutRecordBatchCommandOutput>,
  };
}

/** Adapts an SDK v3 S3 client. */
export function objectStorePort(client: S3Client): ObjectStorePort {
  const { PutObjectCommand } = require("@aws-sdk/client-s3");
  return { putObject: (input, options) => client.send(new PutObjectCommand(input), options) };
}

/** Adapts an SDK v3 SageMaker Feature Store runtime client. */
export function featureStorePort(client: SageMakerFeatureStoreRuntimeClient): FeatureStorePort {
  const { PutRecordCommand } = require("@aws-sdk/client-sagemaker-featurestore-runtime");
  return { putRecord: (input, options) => client.send(new PutRecordCommand(input), options) };
}
