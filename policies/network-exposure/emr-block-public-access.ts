import { resourcePolicy } from "../lib/policy";

export const emrBlockPublicAccess = resourcePolicy({
  name: "emr-block-public-access",
  description:
    "The EMR block public access configuration blocks security groups that open ports to the internet.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["EMR.2"],
  remediationSteps:
    "Set blockPublicSecurityGroupRules: true on aws.emr.BlockPublicAccessConfiguration (allow only port 22 ranges if you must).",
  resourceTypes: ["aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"],
  rules: [
    {
      id: "enabled",
      check: ({ props }) =>
        props.blockPublicSecurityGroupRules === true
          ? undefined
          : "Set blockPublicSecurityGroupRules to true.",
    },
  ],
});
