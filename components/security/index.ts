export { accountContext } from "./account";
export { AuditBucket, type AuditBucketArgs, auditBucketPolicy, auditLifecycleRule } from "./auditBucket";
export {
  AuditTrail,
  type AuditTrailArgs,
  cloudTrailBucketStatements,
  cloudTrailLogsPolicy,
  trailEventSelectors,
} from "./auditTrail";
export {
  ConfigRecorder,
  type ConfigRecorderArgs,
  configDeliveryPolicy,
  type ManagedRule,
  platformConfigRules,
  ruleName,
} from "./configRecorder";
export {
  DATA_CLASS_DESCRIPTIONS,
  DataKey,
  type DataKeyArgs,
  dataKeyPolicy,
  serviceKeyStatements,
} from "./dataKey";
export { DataKeys, type DataKeysArgs } from "./dataKeys";
export {
  type AccountContext,
  type Condition,
  denyInsecureTransport,
  policyDocument,
  type PolicyDocument,
  policyJson,
  serviceTrustPolicy,
  type Statement,
} from "./documents";
export { GUARDDUTY_FEATURES, GuardDuty, type GuardDutyArgs } from "./guardDuty";
export {
  LakeFormationGovernance,
  type LakeFormationGovernanceArgs,
  lakeFormationAdmins,
  LF_TAG_KEYS,
} from "./lakeFormation";
export * from "./perms";
export { SecurityBaseline, type SecurityBaselineArgs } from "./securityBaseline";
export { fsbpStandardArn, SecurityHub, type SecurityHubArgs } from "./securityHub";
