import { stackPolicy } from "../lib/policy";
import { STACK_TYPE } from "../lib/types";

const REQUIRED = {
  cloudtrail: "aws:cloudtrail/trail:Trail",
  "config-recorder": "aws:cfg/recorder:Recorder",
  guardduty: "aws:guardduty/detector:Detector",
} as const;

/** `urn:pulumi:<stack>::<project>::...` → project. */
const projectOf = (urn: string) => urn.split("::")[1];

export const securityBaselinePresent = stackPolicy({
  name: "security-baseline-present",
  description:
    "The platform stack deploys the account's audit baseline: a CloudTrail trail, an AWS Config recorder and a GuardDuty detector.",
  severity: "high",
  concern: "logging-audit",
  fsbp: ["CloudTrail.1", "Config.1", "GuardDuty.1"],
  remediationSteps:
    "Compose the security layer's audit baseline (trail, Config recorder, GuardDuty detector) in the platform project.",
  resourceTypes: [STACK_TYPE],
  relatedTypes: Object.values(REQUIRED),
  configSchema: {
    properties: { projects: { type: "array", items: { type: "string" }, default: ["data-platform"] } },
  },
  appliesTo: ({ resource, config }) =>
    ((config.projects ?? []) as string[]).includes(projectOf(resource.urn)),
  rules: Object.entries(REQUIRED).map(([id, type]) => ({
    id,
    check: ({ resources }: { resources: { type: string }[] }) =>
      resources.some((r) => r.type === type)
        ? undefined
        : `Add a resource of type ${type} to the platform stack.`,
  })),
});
