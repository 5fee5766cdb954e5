export { cloudtrailConfigured } from "./cloudtrail-configured";
export { configRecorderEnabled } from "./config-recorder-enabled";
export { guarddutyEnabled } from "./guardduty-enabled";
export { logGroupRetention } from "./log-group-retention";
export { redshiftAuditLogging } from "./redshift-audit-logging";
export { securityBaselinePresent } from "./security-baseline-present";
export { sfnLogging } from "./sfn-logging";
export { vpcFlowLogs } from "./vpc-flow-logs";
