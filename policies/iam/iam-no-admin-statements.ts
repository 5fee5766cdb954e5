import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";
import { grantedStatements, POLICY_DOCUMENT_HOLDERS } from "./statements";

export const iamNoAdminStatements = resourcePolicy({
  name: "iam-no-admin-statements",
  description:
    "IAM policies never allow every action, every IAM action (`iam:*`) or everything but a list (`NotAction`).",
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
    {
      id: "iam-wildcard",
      check: (s) =>
        grantedStatements(s).some(
          (st) => st.Effect === "Allow" && asList(st.Action).some((a) => /^iam:\*+$/i.test(String(a))),
        )
          ? 'Replace "iam:*" with the IAM actions needed: it lets the holder grant itself anything.'
          : undefined,
    },
    {
      id: "not-action",
      check: (s) =>
        grantedStatements(s).some((st) => st.Effect === "Allow" && st.NotAction !== undefined)
          ? "Replace the Allow statement with NotAction (it allows every other action, including future ones) by an Action list."
          : undefined,
    },
  ],
});
