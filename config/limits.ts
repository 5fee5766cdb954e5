/**
 * Service limits from the reference architecture ("Scalability Limits"). Configuration is validated
 * against them so a plan never asks AWS for something it will refuse or silently throttle.
 */
export const LIMITS = {
  /** Kinesis: records per second one shard accepts. */
  kinesisRecordsPerSecondPerShard: 1_000,
  /** Kinesis: bytes per second one shard accepts (1 MB/s). */
  kinesisBytesPerSecondPerShard: 1_048_576,
  /** Kinesis: largest record payload (1 MB). */
  kinesisMaxRecordBytes: 1_048_576,
  /** Lambda: concurrent executions per account and region (soft limit). */
  lambdaConcurrentExecutions: 1_000,
  /** DynamoDB: read or write capacity units per table. */
  dynamodbMaxCapacityUnits: 40_000,
  /** DynamoDB: largest item (400 KB). */
  dynamodbMaxItemBytes: 400 * 1024,
  /** EMR: nodes per cluster. */
  emrMaxNodes: 500,
  /** Glue: DPUs per job. */
  glueMaxDpu: 100,
  /** Redshift: nodes per cluster. */
  redshiftMaxNodes: 128,
  /** S3: largest single object (5 TB). */
  s3MaxObjectBytes: 5 * 1024 ** 4,
} as const;

/** Retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
