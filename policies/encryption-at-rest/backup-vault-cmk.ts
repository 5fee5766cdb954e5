import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const backupVaultCmk = resourcePolicy({
  name: "backup-vault-cmk",
  description: "AWS Backup vaults encrypt recovery points with a customer managed KMS key.",
  severity: "medium",
  concern: "encryption-at-rest",
  fsbp: ["Backup.1"],
  remediationSteps: "Set kmsKeyArn on the aws.backup.Vault.",
  resourceTypes: ["aws:backup/vault:Vault"],
  rules: [
    {
      id: "customer-key",
      check: ({ props }) => (present(props, "kmsKeyArn") ? undefined : "Set kmsKeyArn to a KMS key."),
    },
  ],
});
