import { resourcePolicy } from "../lib/policy";
import { present, raw } from "../lib/values";

export const secretCmk = resourcePolicy({
  name: "secret-cmk",
  description: "Secrets Manager secrets are encrypted with a customer managed KMS key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps: "Set kmsKeyId on the aws.secretsmanager.Secret to the secrets key.",
  resourceTypes: ["aws:secretsmanager/secret:Secret"],
  rules: [
    {
      id: "customer-key",
      check: ({ props }) =>
        present(props, "kmsKeyId") && raw(props).kmsKeyId !== "alias/aws/secretsmanager"
          ? undefined
          : "Set kmsKeyId to a customer managed KMS key (not alias/aws/secretsmanager).",
    },
  ],
});
