import { stackPolicy } from "../lib/policy";
import { asList, companionsOf } from "../lib/values";

const DETECTOR = "aws:guardduty/detector:Detector";
const FEATURE = "aws:guardduty/detectorFeature:DetectorFeature";

/** Protection plans FSBP expects (GuardDuty.5 to .13). */
export const REQUIRED_FEATURES = [
  "S3_DATA_EVENTS",
  "EKS_AUDIT_LOGS",
  "EBS_MALWARE_PROTECTION",
  "RDS_LOGIN_EVENTS",
  "LAMBDA_NETWORK_LOGS",
  "RUNTIME_MONITORING",
];
/** Runtime Monitoring agents FSBP expects managed (GuardDuty.7, .12, .13). */
export const REQUIRED_RUNTIME_ADDONS = [
  "EKS_ADDON_MANAGEMENT",
  "ECS_FARGATE_AGENT_MANAGEMENT",
  "EC2_AGENT_MANAGEMENT",
];

export const guarddutyProtections = stackPolicy({
  name: "guardduty-protections",
  description:
    "The GuardDuty detector enables the S3, EKS audit, EBS malware, RDS, Lambda and Runtime Monitoring protection plans, with managed runtime agents.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: [
    "GuardDuty.5",
    "GuardDuty.6",
    "GuardDuty.7",
    "GuardDuty.8",
    "GuardDuty.9",
    "GuardDuty.10",
    "GuardDuty.11",
    "GuardDuty.12",
    "GuardDuty.13",
  ],
  remediationSteps:
    "Add an aws.guardduty.DetectorFeature with status ENABLED for each missing plan; RUNTIME_MONITORING needs additionalConfigurations for the EKS, ECS Fargate and EC2 agents.",
  resourceTypes: [DETECTOR],
  relatedTypes: [FEATURE],
  configSchema: {
    properties: {
      requiredFeatures: { type: "array", items: { type: "string" }, default: REQUIRED_FEATURES },
      requiredRuntimeAddons: { type: "array", items: { type: "string" }, default: REQUIRED_RUNTIME_ADDONS },
    },
  },
  rules: [
    {
      id: "protection-plans",
      check: ({ resource, resources, config }) => {
        const enabled = companionsOf(resource, resources, [FEATURE], "detectorId")
          .filter((f) => f.props.status === "ENABLED")
          .map((f) => String(f.props.name));
        const missing = ((config.requiredFeatures ?? []) as string[]).filter((f) => !enabled.includes(f));
        return missing.length ? `Enable the GuardDuty protection plans ${missing.join(", ")}.` : undefined;
      },
    },
    {
      id: "runtime-agents",
      check: ({ resource, resources, config }) => {
        const runtime = companionsOf(resource, resources, [FEATURE], "detectorId").find(
          (f) => f.props.name === "RUNTIME_MONITORING" && f.props.status === "ENABLED",
        );
        if (!runtime) return undefined; // protection-plans reports it
        const managed = (
          asList(runtime.props.additionalConfigurations) as { name?: string; status?: string }[]
        )
          .filter((c) => c.status === "ENABLED")
          .map((c) => String(c.name));
        const missing = ((config.requiredRuntimeAddons ?? []) as string[]).filter(
          (a) => !managed.includes(a),
        );
        return missing.length
          ? `Enable the Runtime Monitoring agent management ${missing.join(", ")} (additionalConfigurations).`
          : undefined;
      },
    },
  ],
});
