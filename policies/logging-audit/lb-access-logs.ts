import { resourcePolicy } from "../lib/policy";

const LB = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const AWSX_ALB = "awsx:lb:ApplicationLoadBalancer";

export const lbAccessLogs = resourcePolicy({
  name: "lb-access-logs",
  description: "Application load balancers deliver access logs to an S3 bucket.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["ELB.5"],
  remediationSteps:
    "Set accessLogs to { bucket: <an SSE-S3 log bucket whose policy lets Elastic Load Balancing write>, prefix, enabled: true }.",
  resourceTypes: [...LB, AWSX_ALB],
  rules: [
    {
      id: "enabled",
      check: ({ type, props }) => {
        // Network and gateway load balancers have no HTTP access logs of this kind.
        if (
          type !== AWSX_ALB &&
          props.loadBalancerType !== undefined &&
          props.loadBalancerType !== "application"
        )
          return undefined;
        const logs = props.accessLogs as { bucket?: string; enabled?: boolean } | undefined;
        return logs?.bucket && logs.enabled === true
          ? undefined
          : "Set accessLogs.bucket and accessLogs.enabled: true.";
      },
    },
  ],
});
