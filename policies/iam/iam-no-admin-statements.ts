import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";
import { grantedStatements, POLICY_DOCUMENT_HOLDERS } from "./statements";

export const iamNoAdminStatements = resourcePolicy({
  name: "iam-no-admin-statements",
  description: "IAM policies never allow every action on every resource.",
  severity: "critical",
  concern: "iam",
  fsbp: ["IAM.1"],
  remediationSteps:
    "List the actions the workload needs (components/<layer>/perms.ts) on the resources it owns, via grant* methods.",
  resourceTypes: POLICY_DOCUMENT_HOLDERS,
  rules: [
    {
      id: "star-on-star",
      check: (s) =>
        grantedStatements(s).some(
          (st) =>
            st.Effect === "Allow" && asList(st.Action).includes("*") && asList(st.Resource).includes("*"),
        )
          ? 'Replace the statement allowing Action "*" on Resource "*" with the specific actions and resources needed.'
          : undefined,
    },
  ],
});
