import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";
import { grantedStatements, POLICY_DOCUMENT_HOLDERS } from "./statements";

export const iamNoServiceWildcards = resourcePolicy({
  name: "iam-no-service-wildcards",
  description: "IAM policies name actions instead of allowing every action of a service (`s3:*`).",
  severity: "medium",
  concern: "iam",
  fsbp: ["IAM.21"],
  remediationSteps:
    "List the actions the workload needs (components/<layer>/perms.ts); a whole service includes its administrative actions.",
  resourceTypes: POLICY_DOCUMENT_HOLDERS,
  rules: [
    {
      id: "service-wildcard",
      check: (s) => {
        const wild = grantedStatements(s)
          .filter((st) => st.Effect === "Allow")
          .flatMap((st) => asList(st.Action).map(String))
          .filter((a) => a === "*" || /^[a-z0-9-]+:\*+$/i.test(a));
        return wild.length
          ? `Replace ${[...new Set(wild)].join(", ")} with the specific actions needed (a whole service includes its administrative actions).`
          : undefined;
      },
    },
  ],
});
