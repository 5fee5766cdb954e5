import { resourcePolicy } from "../lib/policy";
import { present, raw } from "../lib/values";

export const lambdaInVpc = resourcePolicy({
  name: "lambda-in-vpc",
  description: "Lambda functions run in the VPC's private subnets.",
  severity: "low",
  concern: "network-exposure",
  fsbp: ["Lambda.3"],
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
  ],
});
