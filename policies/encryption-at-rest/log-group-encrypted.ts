import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const logGroupEncrypted = resourcePolicy({
  name: "log-group-encrypted",
  description: "CloudWatch log groups are encrypted with a customer managed KMS key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set kmsKeyId on the aws.cloudwatch.LogGroup to the logs key (its key policy must allow logs.<region>.amazonaws.com).",
  resourceTypes: ["aws:cloudwatch/logGroup:LogGroup"],
  rules: [
    {
      id: "kms",
      check: ({ props }) => (present(props, "kmsKeyId") ? undefined : "Set kmsKeyId to a KMS key."),
    },
  ],
});
