import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/policy";
import { accountOf, awsPrincipals } from "../lib/principals";
import { statementsOf } from "../lib/values";

const KEY_TYPES = ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"];
const GRANT = "aws:kms/grant:Grant";

/** The key's own account: the account whose root administers the key in its policy. */
function ownAccount(key: PolicyResource): string | undefined {
  for (const st of statementsOf(key.props.policy)) {
    for (const p of awsPrincipals(st.Principal)) {
      if (/:root$/.test(p) && accountOf(p)) return accountOf(p);
    }
  }
  return undefined;
}

export const kmsNoForeignAccountAccess = stackPolicy({
  name: "kms-no-foreign-account-access",
  description:
    "KMS key policies and grants give key use only to principals of the key's own account or of accounts the pack config trusts.",
  severity: "high",
  concern: "kms",
  fsbp: ["KMS.5"],
  remediationSteps:
    "Remove the foreign principal from the key policy or the grant; share data across accounts through a key in that account or list the account in the policy's trustedAccounts.",
  resourceTypes: KEY_TYPES,
  relatedTypes: [GRANT],
  configSchema: {
    properties: { trustedAccounts: { type: "array", items: { type: "string" }, default: [] } },
  },
  rules: [
    {
      id: "foreign-principal",
      check: ({ resource, config }) => {
        const own = ownAccount(resource);
        if (!own) return undefined;
        const trusted = new Set([own, ...((config.trustedAccounts ?? []) as string[])]);
        const foreign = statementsOf(resource.props.policy)
          .filter((st) => st.Effect === "Allow")
          .flatMap((st) => awsPrincipals(st.Principal))
          .filter((p) => accountOf(p) !== undefined && !trusted.has(accountOf(p)!));
        return foreign.length
          ? `The key policy allows ${[...new Set(foreign)].join(", ")} outside account ${own}: remove it or trust the account in the pack config.`
          : undefined;
      },
    },
    {
      id: "foreign-grant",
      check: ({ resource, resources, config }) => {
        const own = ownAccount(resource);
        const trusted = new Set([...(own ? [own] : []), ...((config.trustedAccounts ?? []) as string[])]);
        const foreign = resources
          .filter(
            (r) =>
              r.type === GRANT && (r.propertyDependencies.keyId ?? []).some((d) => d.urn === resource.urn),
          )
          .flatMap((g) => [g.props.granteePrincipal, g.props.retiringPrincipal])
          .filter((p): p is string => typeof p === "string" && accountOf(p) !== undefined)
          .filter((p) => !trusted.has(accountOf(p)!));
        return foreign.length
          ? `A grant on this key goes to ${[...new Set(foreign)].join(", ")}, outside account ${own ?? "(unknown)"}: remove the grant or trust the account in the pack config.`
          : undefined;
      },
    },
  ],
});
