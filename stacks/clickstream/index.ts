/**
 * The clickstream domain: high-volume web events on a KMS-encrypted stream (provisioned from the
 * declared peak in prod), one serving-table item per event (idempotent by event id), the raw events
 * in the lake partitioned by event time, real-time page-view counts per page in tumbling windows,
 * and a Glue table with partition projection so Athena sees new hours without a crawler. Its ML
 * layer (docs/ml.md): visitor features in the feature store, a scheduled training pipeline, a model
 * registry and an A/B inference endpoint the API's `POST /v1/clickstream/predict` calls.
 */
import { openDomain } from "../../components/core/domain";
import { mlDataProduct } from "../../components/ml/dataProduct";
import { Dashboard } from "../../components/observability";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { configSchema } from "./config";

const domain = openDomain(configSchema);
const { pipeline, lake } = streamingDataProduct("clickstream", domain);
const ml = mlDataProduct("clickstream", domain, pipeline);

// The domain dashboard: one section per component's keyMetrics (ML endpoints add one line each).
new Dashboard(
  "clickstream",
  {
    sections: {
      "clickstream pipeline": pipeline.keyMetrics,
      ...(ml
        ? {
            "feature ingestion": ml.ingestion.keyMetrics,
            "feature store": ml.featureGroup.keyMetrics,
            "training pipeline": ml.training.keyMetrics,
            "inference endpoint": ml.endpoint.keyMetrics,
          }
        : {}),
    },
  },
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

// The ML layer (absent on `local`). The API stack reads `inferenceEndpointName` by this name.
export const featureGroupName = ml?.featureGroup.featureGroupName;
export const featureOfflineTable = ml?.featureGroup.offlineTable;
export const inferenceEndpointName = ml?.endpoint.endpointName;
export const inferenceVariants = ml?.endpoint.variants.map((v) => ({ name: v.name, weight: v.weight }));
export const trainingPipelineName = ml?.training.pipelineName;
export const modelPackageGroupName = ml?.registry.groupName;
export const studioDomainId = ml?.studio?.domain.id;
