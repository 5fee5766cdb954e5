/**
 * The clickstream domain: high-volume web events on a KMS-encrypted stream (provisioned from the
 * declared peak in prod), one serving-table item per event (idempotent by event id), the raw events
 * in the lake partitioned by event time, real-time page-view counts per page in tumbling windows,
 * and a Glue table with partition projection so Athena sees new hours without a crawler.
 */
import { openDomain } from "../../components/core/domain";
import { Dashboard } from "../../components/observability";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { configSchema } from "./config";

const domain = openDomain(configSchema);
const { pipeline, lake } = streamingDataProduct("clickstream", domain);

// The domain dashboard: one section per component's keyMetrics (ML endpoints add one line each).
new Dashboard(
  "clickstream",
  { sections: { "clickstream pipeline": pipeline.keyMetrics } },
  { provider: domain.providers.primary },
);

export const streamName = pipeline.stream.name;
export const streamArn = pipeline.stream.arn;
export const servingTableName = pipeline.table.name;
export const windowTableName = pipeline.windowTable?.name;
export const deliveryStreamName = pipeline.deliveryStream.name;
export const processorName = pipeline.processor.name;
export const rawDatabase = lake.database.databaseName;
export const rawTable = lake.table.tableName;
