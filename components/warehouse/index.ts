export {
  Warehouse,
  type WarehouseArgs,
  type WarehouseLakeAccess,
  type WarehouseLoadTarget,
  type WarehouseSettings,
  AUDIT_LOG_TYPES,
  validateWarehouse,
  redshiftParameters,
  serverlessConfigParameters,
  auditLogGroupNames,
  lakeAccessPolicy,
} from "./warehouse";
export {
  PLATFORM_SQL_FILE,
  LOAD_EVENTS_STATEMENT,
  LOAD_RUN_STATEMENT,
  REDSHIFT_DB_ROLES_TAG,
  WAREHOUSE_LOAD_ROLE,
  type WarehouseSqlVars,
  type TableLayout,
  placeholdersOf,
  renderWarehouseSql,
  tableLayouts,
} from "./sql";
export * as warehousePerms from "./perms";
