import { resourcePolicy } from "../lib/policy";
import { asList, isUnknown } from "../lib/values";

const AWSX_ALB = "awsx:lb:ApplicationLoadBalancer";

export const lbLoadBalancerHardened = resourcePolicy({
  name: "lb-load-balancer-hardened",
  description:
    "Load balancers span two or more Availability Zones and have deletion protection; application load balancers drop invalid headers and mitigate desync.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["ELB.4", "ELB.6", "ELB.12", "ELB.13"],
  remediationSteps:
    'Set enableDeletionProtection: true, dropInvalidHeaderFields: true, desyncMitigationMode "defensive" or "strictest", and subnets in at least two Availability Zones.',
  resourceTypes: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", AWSX_ALB],
  rules: [
    {
      id: "deletion-protection",
      check: ({ props }) =>
        props.enableDeletionProtection === true ? undefined : "Set enableDeletionProtection to true.",
    },
    {
      id: "drop-invalid-headers",
      check: ({ type, props }) =>
        (type === AWSX_ALB || (props.loadBalancerType ?? "application") === "application") &&
        props.dropInvalidHeaderFields !== true
          ? "Set dropInvalidHeaderFields to true."
          : undefined,
    },
    {
      id: "desync-mitigation",
      check: ({ props }) =>
        props.desyncMitigationMode === "monitor"
          ? 'Set desyncMitigationMode to "defensive" (the default) or "strictest".'
          : undefined,
    },
    {
      id: "multi-az",
      check: ({ props }) => {
        const subnets = [
          ...asList(props.subnets),
          ...asList(props.subnetIds),
          ...asList(props.subnetMappings),
        ];
        if (
          subnets.some(isUnknown) ||
          (!subnets.length && props.subnets === undefined && props.subnetIds === undefined)
        )
          return undefined;
        return new Set(subnets.map((s) => JSON.stringify(s))).size >= 2
          ? undefined
          : "Place the load balancer in subnets of at least two Availability Zones.";
      },
    },
  ],
});
