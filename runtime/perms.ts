/**
 * IAM actions each runtime function needs, by resource. The Pipeline component scopes every
 * statement to the ARN named in the comment (never `*`, except where AWS has no resource-level
 * permission) and adds the KMS statement for each encrypted resource.
 */
export const PROCESSOR_ACTIONS = {
  /** Serving table ARN (`TABLE_NAME`): conditional PutItem (latest-state) and BatchWriteItem (immutable). */
  table: ["dynamodb:PutItem", "dynamodb:BatchWriteItem"],
  /** Delivery stream ARN (`DELIVERY_STREAM_NAME`). */
  deliveryStream: ["firehose:PutRecordBatch"],
  /** `arn:aws:s3:::<DEAD_LETTER_BUCKET>/<DEAD_LETTER_PREFIX>*`. */
  deadLetterObjects: ["s3:PutObject"],
} as const;

/** The window aggregator writes whole window items to its table. */
export const AGGREGATOR_ACTIONS = {
  /** Window table ARN (`TABLE_NAME`). */
  table: ["dynamodb:BatchWriteItem"],
} as const;

/** What the event source mapping does with the function's role (both functions). */
export const STREAM_CONSUMER_ACTIONS = {
  /** Stream ARN. */
  stream: [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:ListStreams",
  ],
  /** Stream consumer ARN, only with enhanced fan-out. */
  consumer: ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"],
  /** On-failure destination: one of these, scoped to the destination ARN. */
  onFailureS3: ["s3:PutObject", "s3:ListBucket"],
  onFailureSqs: ["sqs:SendMessage"],
  onFailureSns: ["sns:Publish"],
} as const;

/** KMS actions per use of a customer managed key (key ARN). */
export const KMS_ACTIONS = {
  /** Reading an encrypted Kinesis stream. */
  decryptStream: ["kms:Decrypt"],
  /** Writing SSE-KMS S3 objects (dead letters) and CMK-encrypted DynamoDB items. */
  encryptWrite: ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],
} as const;

/** Logs and traces (log group ARN; X-Ray has no resource-level permissions, so `*`). */
export const TELEMETRY_ACTIONS = {
  logs: ["logs:CreateLogStream", "logs:PutLogEvents"],
  xray: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
} as const;
