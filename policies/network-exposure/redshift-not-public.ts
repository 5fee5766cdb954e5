import { resourcePolicy } from "../lib/policy";

export const redshiftNotPublic = resourcePolicy({
  name: "redshift-not-public",
  description: "Redshift clusters and serverless workgroups are not publicly accessible.",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["Redshift.1"],
  remediationSteps: "Set publiclyAccessible: false and place the cluster in the database subnets.",
  resourceTypes: ["aws:redshift/cluster:Cluster", "aws:redshiftserverless/workgroup:Workgroup"],
  rules: [
    {
      id: "publicly-accessible",
      check: ({ props }) =>
        props.publiclyAccessible === true ? "Set publiclyAccessible to false." : undefined,
    },
  ],
});
