import { stackPolicy } from "../lib/policy";
import { present, raw } from "../lib/values";
import { isPublicTierSubnet, SUBNET } from "./subnet-no-public-ip";

const CLUSTER = "aws:emr/cluster:Cluster";

export const emrClusterPrivate = stackPolicy({
  name: "emr-cluster-private",
  description: "EMR clusters run in a private subnet, so their primary node gets no public IP address.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["EMR.1"],
  remediationSteps:
    "Set ec2Attributes.subnetId (or subnetIds) to the private tier's subnets, passed as the subnet resources' outputs.",
  resourceTypes: [CLUSTER],
  relatedTypes: [SUBNET],
  rules: [
    {
      id: "subnet",
      check: ({ resource }) =>
        present(resource.props, "ec2Attributes", "subnetId") ||
        present(resource.props, "ec2Attributes", "subnetIds")
          ? undefined
          : "Set ec2Attributes.subnetId to a private subnet (without it EMR launches in a default VPC subnet).",
    },
    {
      id: "private-subnet",
      check: ({ resource, config }) => {
        const subnets = (resource.propertyDependencies.ec2Attributes ?? []).filter((d) => d.type === SUBNET);
        const exposed = subnets.filter(
          (s) =>
            isPublicTierSubnet(s.name, raw(s.props), config) || raw(s.props).mapPublicIpOnLaunch === true,
        );
        return exposed.length
          ? `Move the cluster from the public subnet ${exposed.map((s) => s.name).join(", ")} to a private subnet.`
          : undefined;
      },
    },
  ],
  configSchema: {
    properties: {
      tierTagKey: { type: "string", default: "Tier" },
      publicTierValues: { type: "array", items: { type: "string" }, default: ["public"] },
    },
  },
});
