/** The lake layer: storage zones, catalog, tables, ETL jobs, crawlers, queries and governance. */
export * from "./perms";
export * from "./partitioning";
export * from "./lifecycle";
export * from "./policies";
export * from "./naming";
export * from "./queries";
export * from "./metrics";
export {
  LakeBucket,
  lakeBucketProblems,
  REPLICATION_RULE_ID,
  type BucketRef,
  type GrantOptions,
  type LakeBucketArgs,
  type LakeBucketReplicationArgs,
} from "./lakeBucket";
export {
  DataLake,
  DEFAULT_REPLICATED_ZONES,
  LAKE_ZONES,
  type DataLakeArgs,
  type DataLakeReplicationArgs,
  type LakeZone,
} from "./dataLake";
export { LakeDatabase, type LakeDatabaseArgs } from "./lakeDatabase";
export {
  DEFAULT_FIRST_YEAR,
  LakeTable,
  lakeTableProblems,
  storageFormat,
  TABLE_FORMATS,
  type LakeColumn,
  type LakeTableArgs,
  type TableFormat,
} from "./lakeTable";
export { DEFAULT_LF_TAGS, LakeCatalog, type LakeCatalogArgs } from "./lakeCatalog";
export {
  LF_GRANTABLE,
  LfTagGrant,
  lfTagGrantProblems,
  type LfResourceType,
  type LfTagGrantArgs,
} from "./lfTagGrant";
export {
  GLUE_MIN_WORKERS,
  GLUE_VERSIONS,
  GLUE_WORKER_DPU,
  GlueEtlJob,
  glueJobArguments,
  glueJobProblems,
  glueLogGroups,
  RAW_TO_PARQUET_SCRIPT,
  type GlueEtlJobArgs,
  type GlueVersion,
  type GlueWorkerType,
} from "./glueEtlJob";
export { CRAWLER_CONFIGURATION, LakeCrawler, type LakeCrawlerArgs } from "./lakeCrawler";
export {
  ATHENA_ENGINE_VERSION,
  ATHENA_MIN_BYTES_SCANNED_CUTOFF,
  QueryWorkgroup,
  queryWorkgroupProblems,
  type QueryWorkgroupArgs,
} from "./queryWorkgroup";
export { grantBucketAccess, type BucketAccessArgs } from "./bucketGrant";
export {
  lakeBucketRef,
  lakeOutputs,
  LakeOutputsSchema,
  type LakeBucketName,
  type LakeOutputs,
} from "./outputs";
export { grantLakeAccess, LakeAccess, type LakeAccessArgs, type LakeAccessRule } from "./lakeAccess";
