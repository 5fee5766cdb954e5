import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";

const CLUSTER = "aws:ecs/cluster:Cluster";
const SERVICES = ["aws:ecs/service:Service", "awsx:ecs:FargateService"];

export const ecsInsightsLatestPlatform = resourcePolicy({
  name: "ecs-insights-latest-platform",
  description:
    "ECS clusters turn on Container Insights and Fargate services run on the LATEST platform version.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["ECS.10", "ECS.12"],
  remediationSteps:
    'Add the cluster setting { name: "containerInsights", value: "enabled" } (or "enhanced"); leave platformVersion unset or "LATEST" on Fargate services.',
  resourceTypes: [CLUSTER, ...SERVICES],
  rules: [
    {
      id: "container-insights",
      check: ({ type, props }) => {
        if (type !== CLUSTER) return undefined;
        const setting = (asList(props.settings) as { name?: string; value?: string }[]).find(
          (s) => s.name === "containerInsights",
        );
        return setting && ["enabled", "enhanced"].includes(String(setting.value))
          ? undefined
          : 'Set the cluster setting containerInsights to "enabled" or "enhanced".';
      },
    },
    {
      id: "latest-platform",
      check: ({ type, props }) => {
        if (type === CLUSTER) return undefined;
        const fargate = type === "awsx:ecs:FargateService" || props.launchType === "FARGATE";
        const version = props.platformVersion;
        return !fargate || version === undefined || version === "LATEST"
          ? undefined
          : `platformVersion ${version} pins an older Fargate platform: leave it unset or "LATEST".`;
      },
    },
  ],
});
