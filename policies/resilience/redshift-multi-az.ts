import { resourcePolicy } from "../lib/policy";

export const redshiftMultiAz = resourcePolicy({
  name: "redshift-multi-az",
  description: "Redshift clusters are deployed across two Availability Zones.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["Redshift.18"],
  remediationSteps: "Set multiAz: true (warehouse.multiAz, on by default in prod; needs an RA3 node type).",
  resourceTypes: ["aws:redshift/cluster:Cluster"],
  rules: [
    { id: "multi-az", check: ({ props }) => (props.multiAz === true ? undefined : "Set multiAz to true.") },
  ],
});
