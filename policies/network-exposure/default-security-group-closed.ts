import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";

export const defaultSecurityGroupClosed = resourcePolicy({
  name: "default-security-group-closed",
  description: "The VPC's default security group, when managed, has no ingress and no egress rules.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["EC2.2"],
  remediationSteps:
    "Manage the default security group with aws.ec2.DefaultSecurityGroup and no ingress or egress blocks (that removes AWS's default rules); give workloads their own groups.",
  resourceTypes: ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
  rules: [
    {
      id: "no-rules",
      check: ({ props }) => {
        const ingress = asList(props.ingress).length;
        const egress = asList(props.egress).length;
        return ingress || egress
          ? `Remove the default security group's ${ingress} ingress and ${egress} egress rules: anything placed in it by mistake would get that traffic.`
          : undefined;
      },
    },
  ],
});
