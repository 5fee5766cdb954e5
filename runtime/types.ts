/** The Kinesis record payload as Lambda delivers it (`event.Records[i].kinesis`). */
export interface KinesisPayload {
  readonly kinesisSchemaVersion: string;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** The record's data, base64-encoded. */
  readonly data: string;
  /** Seconds since the epoch, with a fraction. */
  readonly approximateArrivalTimestamp: number;
}

/** One record of a Kinesis event as Lambda delivers it. */
export interface KinesisEventRecord {
  readonly kinesis: KinesisPayload;
  readonly eventSource: string;
  readonly eventVersion: string;
  /** `shardId-000000000000:<sequence number>`. */
  readonly eventID: string;
  readonly eventName: string;
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

/** The event Lambda passes to a Kinesis consumer. */
export interface KinesisStreamEvent {
  readonly Records: readonly KinesisEventRecord[];
}

/** The event Lambda passes to a consumer with `TumblingWindowInSeconds` set. */
export interface KinesisWindowEvent<S> extends KinesisStreamEvent {
  readonly window: { readonly start: string; readonly end: string };
  /** The state the previous invocation of this window returned; absent or `{}` on the first. */
  readonly state?: S | Record<string, never>;
  readonly shardId: string;
  readonly eventSourceARN: string;
  readonly isFinalInvokeForWindow: boolean;
  readonly isWindowTerminatedEarly: boolean;
}

/** The response that `ReportBatchItemFailures` understands; an empty list means success. */
export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** What the runtime uses of the Lambda context. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
  readonly functionName?: string;
}
