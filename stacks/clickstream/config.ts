import { MlConfigField } from "../../components/ml/dataProduct";
import { streamingDomainConfigSchema } from "../../components/streaming/dataProduct";
import { FlinkConfigField } from "../../components/streaming/flinkDataProduct";

/**
 * Configuration of the clickstream domain (keys `clickstream:*`): ~350-byte web events, 60 s
 * page-view windows, 30 days in the serving table; `clickstream:ml` overrides the environment's ML
 * defaults (A/B variants and weights, data capture, training, Studio; see components/ml/settings.ts);
 * `clickstream:flink` runs the page-view windows as Flink SQL instead of the Lambda aggregator
 * (components/streaming/flinkDataProduct.ts).
 */
export const configSchema = streamingDomainConfigSchema({
  averageRecordBytes: 350,
  windowSeconds: 60,
  ttlDays: 30,
}).extend({ ml: MlConfigField, flink: FlinkConfigField });
