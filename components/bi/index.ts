export {
  DATA_SET_OWNER_ACTIONS,
  DATA_SOURCE_OWNER_ACTIONS,
  IMPORT_MODES,
  QuickSightLake,
  quickSightLakeProblems,
  ROLLUP_COLUMNS,
  ROLLUP_PARTITION_KEYS,
  rollupProjection,
  type QuickSightLakeArgs,
} from "./quickSightLake";
export { QuickSightConfigSchema, type QuickSightConfig } from "./config";
