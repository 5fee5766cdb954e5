import { resourcePolicy } from "../lib/policy";
import { isWildcardPrincipal, statementsOf } from "../lib/values";

export const kmsKeyPolicyNoWildcardPrincipal = resourcePolicy({
  name: "kms-key-policy-no-wildcard-principal",
  description: "KMS key policies never allow a wildcard principal without a condition that scopes it.",
  severity: "critical",
  concern: "kms",
  fsbp: ["KMS.5"],
  remediationSteps:
    "Name the account root, roles or service principals in the key policy, or add a condition such as aws:PrincipalOrgID or kms:CallerAccount.",
  resourceTypes: ["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaKey:ReplicaKey"],
  rules: [
    {
      id: "wildcard-principal",
      check: ({ props }) =>
        statementsOf(props.policy).some(
          (s) =>
            s.Effect === "Allow" &&
            isWildcardPrincipal(s.Principal) &&
            (!s.Condition || !Object.keys(s.Condition).length),
        )
          ? 'Replace Principal "*" with named principals or add a scoping condition.'
          : undefined,
    },
  ],
});
