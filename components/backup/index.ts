export {
  BackupPlan,
  type BackupPlanArgs,
  type BackupFrequency,
  BACKUP_SCHEDULES,
  BACKUP_WINDOWS,
  backupSelection,
  selectionName,
  vaultPolicy,
} from "./backupPlan";
export * as backupPerms from "./perms";
