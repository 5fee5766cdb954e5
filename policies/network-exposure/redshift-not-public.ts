import { resourcePolicy } from "../lib/policy";

export const redshiftNotPublic = resourcePolicy({
  name: "redshift-not-public",
  description:
    "Redshift clusters and serverless workgroups are not publicly accessible, and clusters route their COPY/UNLOAD traffic through the VPC.",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["Redshift.1", "Redshift.7"],
  remediationSteps: "Set publiclyAccessible: false and place the cluster in the database subnets.",
  resourceTypes: ["aws:redshift/cluster:Cluster", "aws:redshiftserverless/workgroup:Workgroup"],
  rules: [
    {
      id: "publicly-accessible",
      check: ({ props }) =>
        props.publiclyAccessible === true ? "Set publiclyAccessible to false." : undefined,
    },
    {
      id: "enhanced-vpc-routing",
      check: ({ type, props }) =>
        type === "aws:redshift/cluster:Cluster" && props.enhancedVpcRouting !== true
          ? "Set enhancedVpcRouting to true so COPY and UNLOAD traffic stays in the VPC (endpoints, flow logs, security groups)."
          : undefined,
    },
  ],
});
