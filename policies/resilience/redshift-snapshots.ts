import { resourcePolicy } from "../lib/policy";
import { numberOf } from "../lib/values";

export const redshiftSnapshots = resourcePolicy({
  name: "redshift-snapshots",
  description:
    "Redshift clusters keep automated snapshots for at least seven days and take version upgrades automatically.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["Redshift.3", "Redshift.6"],
  remediationSteps: "Set automatedSnapshotRetentionPeriod to 7 or more on the aws.redshift.Cluster.",
  resourceTypes: ["aws:redshift/cluster:Cluster"],
  configSchema: { properties: { minimumDays: { type: "integer", default: 7 } } },
  rules: [
    {
      id: "retention",
      check: ({ props, config }) => {
        const days = numberOf(props.automatedSnapshotRetentionPeriod) ?? 1;
        const min = config.minimumDays as number;
        return days < min
          ? `Set automatedSnapshotRetentionPeriod to at least ${min} (now ${days}).`
          : undefined;
      },
    },
    {
      id: "version-upgrades",
      check: ({ props }) =>
        props.allowVersionUpgrade === false
          ? "Remove allowVersionUpgrade: false so the cluster gets engine upgrades in its maintenance window."
          : undefined,
    },
  ],
});
