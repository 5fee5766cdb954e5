import { resourcePolicy } from "../lib/policy";
import { actionMatches, asList } from "../lib/values";
import { grantedStatements, POLICY_DOCUMENT_HOLDERS } from "./statements";

export const iamNoKmsDecryptAll = resourcePolicy({
  name: "iam-no-kms-decrypt-all",
  description: "IAM policies never allow kms:Decrypt or kms:ReEncryptFrom on every KMS key.",
  severity: "high",
  concern: "iam",
  fsbp: ["KMS.1", "KMS.2"],
  remediationSteps:
    "Scope kms:Decrypt to the data class's key ARN (the grant* methods add it with the data access).",
  resourceTypes: POLICY_DOCUMENT_HOLDERS,
  rules: [
    {
      id: "decrypt-any-key",
      check: (s) =>
        grantedStatements(s).some(
          (st) =>
            st.Effect === "Allow" &&
            asList(st.Resource).includes("*") &&
            asList(st.Action).some(
              (a) => actionMatches(String(a), "kms:Decrypt") || actionMatches(String(a), "kms:ReEncryptFrom"),
            ),
        )
          ? 'Replace Resource "*" on kms:Decrypt/kms:ReEncryptFrom with the key ARNs the workload reads.'
          : undefined,
    },
  ],
});
