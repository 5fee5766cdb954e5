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
  /**
   * Share of an invocation's time kept for the lake delivery, which follows the serving-table
   * writes (the lake receives only what the table accepted): the table stops that much earlier.
   */
  lakeTimeShare: 0.25,
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
  /** The bytes are not valid UTF-8 (JSON text must be); kept as sent instead of stored with U+FFFD. */
  notUtf8: "not-utf8",
  /** The event time falls outside the years the lake table's partition projection covers. */
  eventTimeOutOfRange: "event-time-out-of-range",
} as const;

/**
 * Years the lake tables' Athena partition projection covers (`year=` from `first` to `last`,
 * inclusive): `components/lake` projects this range by default and the stream processor
 * dead-letters records whose event time falls outside it, since Athena could never see the
 * partition they would land in. One constant, so the two cannot drift apart.
 */
export const LAKE_PROJECTION_YEARS = { first: 2025, last: 2099 } as const;

/**
 * SDK client settings of the deployed functions. The runtime's own retries (budget-aware, full
 * jitter) are the main retry layer; the SDK retries once more for transient network errors.
 * Every call is also aborted when the invocation's time minus the safety margin runs out.
 */
export const SDK_CLIENT_DEFAULTS = {
  /** Attempts per SDK call (the first one included). */
  maxAttempts: 2,
  /** TCP connection timeout. */
  connectionTimeoutMs: 1_000,
  /** Socket idle timeout of one request. */
  requestTimeoutMs: 5_000,
} as const;

export type PoisonReason = (typeof POISON_REASONS)[keyof typeof POISON_REASONS];
