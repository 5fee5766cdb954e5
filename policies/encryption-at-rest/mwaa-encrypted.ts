import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const mwaaEncrypted = resourcePolicy({
  name: "mwaa-encrypted",
  description: "MWAA (Airflow) environments encrypt their data with a customer managed KMS key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps: "Set kmsKey on the aws.mwaa.Environment.",
  resourceTypes: ["aws:mwaa/environment:Environment"],
  rules: [
    {
      id: "customer-key",
      check: ({ props }) => (present(props, "kmsKey") ? undefined : "Set kmsKey to a KMS key ARN."),
    },
  ],
});
