import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/policy";

const VPC = "aws:ec2/vpc:Vpc";
/** The awsx VPC component: under offline mocks it has no children, in a real preview it parents an aws:ec2/vpc:Vpc. */
const AWSX_VPC = "awsx:ec2:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

/** Flow logs whose `vpcId` comes from this VPC (or from the awsx component that wraps it). */
function flowLogsOf(vpc: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
  const owners = new Set([vpc.urn, ...(vpc.parent?.type === AWSX_VPC ? [vpc.parent.urn] : [])]);
  return resources.filter(
    (r) => r.type === FLOW_LOG && (r.propertyDependencies.vpcId ?? []).some((d) => owners.has(d.urn)),
  );
}

export const vpcFlowLogs = stackPolicy({
  name: "vpc-flow-logs",
  description: "Every VPC has a flow log that records all traffic.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["EC2.6"],
  remediationSteps:
    "Add an aws.ec2.FlowLog with vpcId from the VPC's output and trafficType ALL, delivering to a retained, encrypted log group or bucket.",
  resourceTypes: [VPC, AWSX_VPC],
  relatedTypes: [FLOW_LOG],
  appliesTo: ({ resource, resources }) =>
    // An awsx VPC is checked itself only when the document has no aws:ec2/vpc:Vpc under it.
    resource.type === VPC || !resources.some((r) => r.type === VPC && r.parent?.urn === resource.urn),
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        flowLogsOf(resource, resources).length
          ? undefined
          : "Add an aws.ec2.FlowLog whose vpcId input is this VPC's id output.",
    },
    {
      id: "all-traffic",
      check: ({ resource, resources }) => {
        const logs = flowLogsOf(resource, resources);
        return !logs.length || logs.some((l) => l.props.trafficType === "ALL")
          ? undefined
          : "Set trafficType to ALL on the VPC's flow log.";
      },
    },
  ],
});
