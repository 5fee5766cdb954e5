import { resourcePolicy } from "../lib/policy";
import { hasScopingCondition, isPublicPrincipal } from "../lib/principals";
import { statementsOf } from "../lib/values";

export const kmsKeyPolicyNoWildcardPrincipal = resourcePolicy({
  name: "kms-key-policy-no-wildcard-principal",
  description:
    "KMS key policies never allow a wildcard principal unless a condition pins it to named accounts, organizations or ARNs.",
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
          (s) => s.Effect === "Allow" && isPublicPrincipal(s.Principal) && !hasScopingCondition(s),
        )
          ? 'Replace Principal "*" with named principals or add a condition naming the accounts (kms:CallerAccount, aws:PrincipalAccount) or organization (aws:PrincipalOrgID); conditions on anything else, or with wildcard values, do not scope it.'
          : undefined,
    },
  ],
});
