import { resourcePolicy } from "../lib/policy";
import { present, raw } from "../lib/values";

export const flinkApplicationInVpc = resourcePolicy({
  name: "flink-application-in-vpc",
  description:
    "Managed Service for Apache Flink applications run in the VPC's private subnets with a security group.",
  severity: "medium",
  concern: "network-exposure",
  remediationSteps:
    "Set applicationConfiguration.vpcConfiguration { subnetIds: <private subnets>, securityGroupIds: [<an outbound-only group>] }.",
  resourceTypes: ["aws:kinesisanalyticsv2/application:Application"],
  rules: [
    {
      id: "vpc-config",
      // A presence check: ids unknown during preview (created in the same update) pass.
      check: ({ props }) => {
        const vpc = raw(raw(raw(props).applicationConfiguration)?.vpcConfiguration) as
          { subnetIds?: unknown; securityGroupIds?: unknown } | undefined;
        const nonEmpty = (v: unknown) => !Array.isArray(v) || v.length > 0;
        return present(props, "applicationConfiguration", "vpcConfiguration", "subnetIds") &&
          present(props, "applicationConfiguration", "vpcConfiguration", "securityGroupIds") &&
          nonEmpty(raw(vpc?.subnetIds)) &&
          nonEmpty(raw(vpc?.securityGroupIds))
          ? undefined
          : "Set applicationConfiguration.vpcConfiguration with the private subnets and a security group.";
      },
    },
  ],
});
