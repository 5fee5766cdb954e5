/**
 * The clickstream domain: high-volume web events on a KMS-encrypted stream (provisioned from the
 * declared peak in prod), one serving-table item per event (idempotent by event id), the raw events
 * in the lake partitioned by event time, real-time page-view counts per page in tumbling windows,
 * (Lambda aggregator, or Flink SQL on Managed Flink with `clickstream:flink.enabled`, as in prod),
 * and a Glue table with partition projection so Athena sees new hours without a crawler. Its ML
 * layer (docs/ml.md): visitor features in the feature store, a scheduled training pipeline, a model
 * registry and an A/B inference endpoint the API's `POST /v1/clickstream/predict` calls.
 */
import { loadDomain } from "../../components/core/domain";
import { mlDataProduct } from "../../components/ml/dataProduct";
import { Dashboard } from "../../components/observability";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { flinkDataProduct, windowWriter } from "../../components/streaming/flinkDataProduct";
import { configSchema } from "./config";

export = async () => {
  const domain = await loadDomain(configSchema);
  // `clickstream:flink.enabled` (prod): Flink SQL writes the windows instead of the Lambda aggregator.
  const writer = windowWriter(domain.name, domain.settings.environment, domain.config.flink);
  const { pipeline, lake } = streamingDataProduct("clickstream", domain, {
    windowWriter: writer === "flink" ? "external" : "lambda",
  });
  const flink = flinkDataProduct("clickstream", domain, pipeline);
  const ml = mlDataProduct("clickstream", domain, pipeline);

  // The domain dashboard: one section per component's keyMetrics (ML endpoints add one line each).
  new Dashboard(
    "clickstream",
    {
      sections: {
        "clickstream pipeline": pipeline.keyMetrics,
        ...(flink ? { "flink sql windows": flink.keyMetrics } : {}),
        ...(ml
          ? {
              "feature ingestion": ml.ingestion.keyMetrics,
              "feature store": ml.featureGroup.keyMetrics,
              "training pipeline": ml.training.keyMetrics,
              ...(ml.endpoint ? { "inference endpoint": ml.endpoint.keyMetrics } : {}),
              ...(ml.batchTransform ? { "batch inference": ml.batchTransform.keyMetrics } : {}),
            }
          : {}),
      },
    },
    { provider: domain.providers.primary },
  );

  return {
    streamName: pipeline.stream.name,
    streamArn: pipeline.stream.arn,
    servingTableName: pipeline.table.name,
    windowTableName: pipeline.windowTable?.name,
    flinkApplicationName: flink?.application.name,
    deliveryStreamName: pipeline.deliveryStream.name,
    processorName: pipeline.processor.name,
    rawDatabase: lake.database.databaseName,
    rawTable: lake.table.tableName,
    // The ML layer (absent on `local`); the endpoint only once a variant names an approved version.
    // The API stack reads `inferenceEndpointName` by this name and plans with or without it.
    featureGroupName: ml?.featureGroup.featureGroupName,
    featureOfflineTable: ml?.featureGroup.offlineTable,
    inferenceEndpointName: ml?.endpoint?.endpointName,
    inferenceVariants: ml?.endpoint?.variants.map((v) => ({ name: v.name, weight: v.weight })),
    trainingPipelineName: ml?.training.pipelineName,
    batchInferencePipelineName: ml?.batchTransform?.pipelineName,
    modelPackageGroupName: ml?.registry.groupName,
    studioDomainId: ml?.studio?.domain.id,
  };
};
