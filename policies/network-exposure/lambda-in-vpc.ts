import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

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
      check: ({ props }) =>
        present(props, "vpcConfig", "subnetIds") &&
        (!Array.isArray(props.vpcConfig?.subnetIds) || props.vpcConfig.subnetIds.length > 0)
          ? undefined
          : "Set vpcConfig.subnetIds to the private subnets and vpcConfig.securityGroupIds to the Lambda security group.",
    },
  ],
});
