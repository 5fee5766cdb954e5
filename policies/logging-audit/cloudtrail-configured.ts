import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const cloudtrailConfigured = resourcePolicy({
  name: "cloudtrail-configured",
  description: "CloudTrail trails are multi-region, validate log files and encrypt logs with KMS.",
  severity: "high",
  concern: "logging-audit",
  fsbp: ["CloudTrail.1", "CloudTrail.2", "CloudTrail.4"],
  remediationSteps:
    "Set isMultiRegionTrail: true, enableLogFileValidation: true and kmsKeyId on the aws.cloudtrail.Trail.",
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
  ],
});
