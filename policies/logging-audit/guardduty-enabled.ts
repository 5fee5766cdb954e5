import { resourcePolicy } from "../lib/policy";

export const guarddutyEnabled = resourcePolicy({
  name: "guardduty-enabled",
  description: "GuardDuty detectors are enabled.",
  severity: "high",
  concern: "logging-audit",
  fsbp: ["GuardDuty.1"],
  remediationSteps: "Leave enable at true on the aws.guardduty.Detector.",
  resourceTypes: ["aws:guardduty/detector:Detector"],
  rules: [
    { id: "enabled", check: ({ props }) => (props.enable === false ? "Set enable to true." : undefined) },
  ],
});
