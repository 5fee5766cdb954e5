import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const cloudtrailConfigured = resourcePolicy({
  name: "cloudtrail-configured",
  description:
    "CloudTrail trails are multi-region, validate log files, encrypt logs with KMS and deliver them to CloudWatch Logs.",
  severity: "high",
  concern: "logging-audit",
  fsbp: ["CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5"],
  remediationSteps:
    "Set isMultiRegionTrail: true, enableLogFileValidation: true, kmsKeyId and cloudWatchLogsGroupArn/RoleArn on the aws.cloudtrail.Trail.",
  resourceTypes: ["aws:cloudtrail/trail:Trail"],
  rules: [
    {
      id: "multi-region",
      check: ({ props }) =>
        props.isMultiRegionTrail === true ? undefined : "Set isMultiRegionTrail to true.",
    },
    {
      id: "log-validation",
      check: ({ props }) =>
        props.enableLogFileValidation === true ? undefined : "Set enableLogFileValidation to true.",
    },
    {
      id: "kms",
      check: ({ props }) => (present(props, "kmsKeyId") ? undefined : "Set kmsKeyId to the audit KMS key."),
    },
    {
      id: "cloudwatch-logs",
      check: ({ props }) =>
        present(props, "cloudWatchLogsGroupArn") && present(props, "cloudWatchLogsRoleArn")
          ? undefined
          : "Set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn so the trail's events reach CloudWatch Logs (metric filters, alarms).",
    },
  ],
});
