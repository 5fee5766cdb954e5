/**
 * AWS service limits and defaults the runtime is built around. Plain `as const` objects (never
 * instances) so inline Lambda closures can capture them by value.
 */
export const SINK_LIMITS = {
  /** DynamoDB BatchWriteItem: put requests per call. */
  dynamodbBatchItems: 25,
  /** DynamoDB BatchWriteItem: total request size (16 MB). */
  dynamodbBatchBytes: 16 * 1024 * 1024,
  /** DynamoDB: largest item (400 KB, attribute names included). */
  dynamodbMaxItemBytes: 400 * 1024,
  /** Firehose PutRecordBatch: records per call. */
  firehoseBatchRecords: 500,
  /** Firehose PutRecordBatch: total payload per call (4 MiB). */
  firehoseBatchBytes: 4 * 1024 * 1024,
  /** Firehose: largest record before base64 encoding (1,000 KiB). */
  firehoseMaxRecordBytes: 1000 * 1024,
  /** Firehose multi-record deaggregation: sub-records (lake lines) per record. */
  firehoseLinesPerRecord: 500,
  /** Lambda tumbling windows: state carried between invocations of one shard (1 MB). */
  windowStateBytes: 1024 * 1024,
} as const;

/** Runtime defaults, each overridable through an environment variable (see runtime/README.md). */
export const RUNTIME_DEFAULTS = {
  /** Stop starting new work when less than this much of the invocation is left. */
  safetyMarginMs: 3_000,
  /** First retry delay; doubles per attempt, full jitter. */
  retryBaseDelayMs: 50,
  /** Largest single retry delay. */
  retryMaxDelayMs: 2_000,
  /** Parallel conditional PutItem calls per invocation. */
  writeConcurrency: 16,
  /** Parallel dead-letter PutObject calls per invocation. */
  deadLetterConcurrency: 8,
  /** CloudWatch namespace of the embedded metrics. */
  metricsNamespace: "DataPlatform/Streaming",
  /** Window state is refused beyond this share of the 1 MB limit (fail loudly before the limit). */
  windowStateHeadroom: 0.9,
  /** Per-key window metrics emitted for this many top keys (EMF dimensions are billed per value). */
  windowMetricTopKeys: 10,
} as const;

/** KPL aggregated record framing: 4 magic bytes, protobuf `AggregatedRecord`, 16-byte MD5 trailer. */
export const KPL = {
  magic: [0xf3, 0x89, 0x9a, 0xc2],
  digestBytes: 16,
} as const;

/** Why a record was dead-lettered. */
export const POISON_REASONS = {
  notBase64: "not-base64",
  kplCorrupt: "kpl-corrupt",
  notJson: "not-json",
  schemaViolation: "schema-violation",
  itemTooLarge: "item-too-large",
  deliveryRecordTooLarge: "delivery-record-too-large",
  rejectedBySink: "rejected-by-sink",
} as const;

export type PoisonReason = (typeof POISON_REASONS)[keyof typeof POISON_REASONS];
