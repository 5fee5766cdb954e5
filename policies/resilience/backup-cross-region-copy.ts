import { resourcePolicy } from "../lib/policy";

export const backupCrossRegionCopy = resourcePolicy({
  name: "backup-cross-region-copy",
  description: "Every AWS Backup rule copies its recovery points to a vault in another region.",
  severity: "medium",
  concern: "resilience",
  remediationSteps:
    "Set backup.copyToDrRegion (on by default in prod): the plan's rules get a copy action to the DR-region vault.",
  resourceTypes: ["aws:backup/plan:Plan"],
  rules: [
    {
      id: "copy-action",
      check: ({ props }) => {
        const rules = (Array.isArray(props.rules) ? props.rules : []) as {
          ruleName?: string;
          copyActions?: unknown[];
        }[];
        const missing = rules.filter((r) => !Array.isArray(r.copyActions) || r.copyActions.length === 0);
        return missing.length
          ? `Add a copy action to a DR-region vault to rule(s) ${missing.map((r) => r.ruleName ?? "?").join(", ")}.`
          : undefined;
      },
    },
  ],
});
