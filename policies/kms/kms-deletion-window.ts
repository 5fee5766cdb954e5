import { resourcePolicy } from "../lib/policy";
import { numberOf } from "../lib/values";

export const kmsDeletionWindow = resourcePolicy({
  name: "kms-deletion-window",
  description:
    "KMS keys wait at least the configured number of days before deletion, leaving time to cancel it.",
  severity: "medium",
  concern: "kms",
  remediationSteps: "Set deletionWindowInDays from security.kmsDeletionWindowDays (30 in prod).",
  resourceTypes: ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"],
  configSchema: { properties: { minimumDays: { type: "integer", default: 30 } } },
  rules: [
    {
      id: "window",
      check: ({ props, config }) => {
        const days = numberOf(props.deletionWindowInDays) ?? 30;
        const min = config.minimumDays as number;
        return days < min ? `Raise deletionWindowInDays from ${days} to at least ${min}.` : undefined;
      },
    },
  ],
});
