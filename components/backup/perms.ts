/**
 * What AWS Backup's service role gets: the AWS managed *service-role* policies for backup and
 * restore (scoped by AWS to the resource types Backup supports; not FullAccess policies).
 */
export const BACKUP_SERVICE_ROLE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
] as const;

/** Actions nobody may take on the vault's recovery points except through the retention lifecycle. */
export const PROTECTED_RECOVERY_POINT_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:DeleteBackupVault",
] as const;
