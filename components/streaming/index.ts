export {
  FlinkSqlApplication,
  type FlinkSqlApplicationArgs,
  flinkApplicationPolicy,
  flinkPackage,
  FLINK_RUNTIME,
} from "./flinkSql";
export { FlinkConfigSchema, flinkDataProduct, windowWriter } from "./flinkDataProduct";
export { Pipeline, type PipelineArgs, type RawZoneRef, partitionedPrefix, rawPrefixes } from "./pipeline";
export {
  firehosePolicy,
  streamFunctionPolicy,
  TABLE_ACTIONS,
  TABLE_READ_ACTIONS,
  VPC_ENI_ACTIONS,
} from "./policies";
export { bindingLimit, shardsFor, type Throughput } from "./sizing";
