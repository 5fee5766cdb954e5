-- Page views per page in tumbling windows: the Flink SQL counterpart of the Lambda window
-- aggregator (runtime/aggregator), writing the same items to the same window table.
-- ${NAME} placeholders are filled from the application's `sql.parameters` property group
-- (main.py; the same substitution as runtime/flink/statements.ts). No literal may contain `;`.

-- The domain's stream. Windows follow the record's arrival time in the stream, as Lambda's
-- tumbling windows do; records that are not JSON are skipped (the Lambda processor dead-letters them).
CREATE TABLE clickstream_events (
  eventId STRING,
  sessionId STRING,
  eventType STRING,
  page STRING,
  url STRING,
  occurredAt STRING,
  arrival TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR arrival AS arrival - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kinesis',
  'stream.arn' = '${STREAM_ARN}',
  'aws.region' = '${AWS_REGION}',
  'source.init.position' = 'TRIM_HORIZON',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- The window table (key pk/sk), one item per window and page, shaped like the aggregator's.
CREATE TABLE clickstream_windows (
  pk STRING,
  sk STRING,
  dataProduct STRING,
  windowStart STRING,
  windowEnd STRING,
  shardId STRING,
  `key` STRING,
  `count` BIGINT,
  `sum` BIGINT,
  expiresAt BIGINT
) PARTITIONED BY (pk, sk) WITH (
  'connector' = 'dynamodb',
  'table-name' = '${WINDOW_TABLE}',
  'aws.region' = '${AWS_REGION}'
);

INSERT INTO clickstream_windows
SELECT
  CONCAT('WINDOW#clickstream#', DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z''')) AS pk,
  CONCAT('KEY#', page, '#flink') AS sk,
  'clickstream' AS dataProduct,
  DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS windowStart,
  DATE_FORMAT(window_end, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS windowEnd,
  'flink' AS shardId,
  page AS `key`,
  COUNT(*) AS `count`,
  COUNT(*) AS `sum`,
  UNIX_TIMESTAMP(DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss')) + ${TTL_SECONDS} AS expiresAt
FROM TABLE(TUMBLE(TABLE clickstream_events, DESCRIPTOR(arrival), INTERVAL '${WINDOW_SECONDS}' SECOND))
WHERE eventType = 'page_view'
  AND CHAR_LENGTH(eventId) BETWEEN 1 AND 128
  AND CHAR_LENGTH(sessionId) BETWEEN 1 AND 128
  AND CHAR_LENGTH(page) BETWEEN 1 AND 2048
  AND CHAR_LENGTH(url) <= 4096
  AND REGEXP(url, '^https?://[^\s/?#]+[^\s]*$')
  AND occurredAt IS NOT NULL
GROUP BY window_start, window_end, page;
