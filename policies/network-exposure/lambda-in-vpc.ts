import { resourcePolicy } from "../lib/policy";
import { isUnknown, present, raw } from "../lib/values";

export const lambdaInVpc = resourcePolicy({
  name: "lambda-in-vpc",
  description:
    "Lambda functions run in the VPC's private subnets, in at least two of them (two Availability Zones).",
  severity: "low",
  concern: "network-exposure",
  fsbp: ["Lambda.5"],
  remediationSteps:
    "Set vpcConfig { subnetIds: <private subnets>, securityGroupIds: [<Lambda outbound-only group>] }.",
  resourceTypes: ["aws:lambda/function:Function"],
  rules: [
    {
      id: "vpc-config",
      // A presence check: subnet ids unknown during preview (created in the same update) pass.
      check: ({ props }) => {
        const subnets = raw(raw(props).vpcConfig)?.subnetIds;
        return present(props, "vpcConfig", "subnetIds") && (!Array.isArray(subnets) || subnets.length > 0)
          ? undefined
          : "Set vpcConfig.subnetIds to the private subnets and vpcConfig.securityGroupIds to the Lambda security group.";
      },
    },
    {
      id: "multiple-subnets",
      check: ({ props }) => {
        const subnets = raw(raw(props).vpcConfig)?.subnetIds;
        if (!Array.isArray(subnets) || subnets.length === 0) return undefined; // vpc-config reports it
        const ids = new Set(raw(subnets).map(String));
        return ids.size >= 2 || [...ids].some(isUnknown)
          ? undefined
          : `vpcConfig.subnetIds has one subnet (${[...ids].join(", ")}): give the function a private subnet in each of two or more Availability Zones.`;
      },
    },
  ],
});
