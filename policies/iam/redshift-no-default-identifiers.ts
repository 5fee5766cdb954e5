import { resourcePolicy } from "../lib/policy";

export const redshiftNoDefaultIdentifiers = resourcePolicy({
  name: "redshift-no-default-identifiers",
  description:
    "Redshift clusters use neither the default admin user name awsuser nor the default database name dev.",
  severity: "medium",
  concern: "iam",
  fsbp: ["Redshift.8"],
  remediationSteps:
    "Set masterUsername and databaseName to names of your own (the warehouse uses platform_admin and analytics); default names are the first ones guessed.",
  resourceTypes: ["aws:redshift/cluster:Cluster"],
  rules: [
    {
      id: "default-admin-user",
      check: ({ props }) =>
        props.snapshotIdentifier === undefined &&
        String(props.masterUsername ?? "awsuser").toLowerCase() === "awsuser"
          ? "Set masterUsername to a name other than awsuser."
          : undefined,
    },
    {
      id: "default-database-name",
      check: ({ props }) =>
        String(props.databaseName ?? "dev").toLowerCase() === "dev"
          ? "Set databaseName to a name other than dev."
          : undefined,
    },
  ],
});
