import { resourcePolicy } from "../lib/policy";

const SERVICE = "aws:ecs/service:Service";
const FARGATE = "awsx:ecs:FargateService";
const EC2_SERVICE = "awsx:ecs:EC2Service";

export const ecsServiceNoPublicIp = resourcePolicy({
  name: "ecs-service-no-public-ip",
  description: "ECS services run their tasks without public IP addresses, in subnets given explicitly.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["ECS.2"],
  remediationSteps:
    "Set networkConfiguration.assignPublicIp to false with the private subnets, and reach the tasks through a load balancer.",
  resourceTypes: [SERVICE, FARGATE, EC2_SERVICE],
  rules: [
    {
      id: "public-ip",
      check: ({ type, props }) => {
        const net = (props.networkConfiguration ?? {}) as { assignPublicIp?: unknown; subnets?: unknown };
        if (net.assignPublicIp === true || (type !== SERVICE && props.assignPublicIp === true))
          return "Set assignPublicIp to false: tasks belong in private subnets behind the load balancer.";
        // awsx services without a network configuration fall back to the default VPC's public subnets.
        if (type !== SERVICE && !net.subnets)
          return "Give networkConfiguration.subnets (the private subnets) and assignPublicIp false.";
        return undefined;
      },
    },
  ],
});
