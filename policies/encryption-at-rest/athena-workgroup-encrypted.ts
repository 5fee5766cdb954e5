import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const athenaWorkgroupEncrypted = resourcePolicy({
  name: "athena-workgroup-encrypted",
  description: "Athena workgroups encrypt query results with KMS and enforce that setting on every client.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set configuration.resultConfiguration.encryptionConfiguration { encryptionOption: SSE_KMS, kmsKeyArn } and leave enforceWorkgroupConfiguration true.",
  resourceTypes: ["aws:athena/workgroup:Workgroup"],
  rules: [
    {
      id: "results-kms",
      check: ({ props }) => {
        const option = props.configuration?.resultConfiguration?.encryptionConfiguration?.encryptionOption;
        return (option === "SSE_KMS" || option === "CSE_KMS") &&
          present(props, "configuration", "resultConfiguration", "encryptionConfiguration", "kmsKeyArn")
          ? undefined
          : "Set resultConfiguration.encryptionConfiguration.encryptionOption to SSE_KMS with kmsKeyArn.";
      },
    },
    {
      id: "enforced",
      check: ({ props }) =>
        props.configuration?.enforceWorkgroupConfiguration === false
          ? "Set configuration.enforceWorkgroupConfiguration to true so clients cannot turn encryption off."
          : undefined,
    },
  ],
});
