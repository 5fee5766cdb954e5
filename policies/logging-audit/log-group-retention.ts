import { resourcePolicy } from "../lib/policy";
import { numberOf } from "../lib/values";

export const logGroupRetention = resourcePolicy({
  name: "log-group-retention",
  description: "CloudWatch log groups have a retention period of at least the configured minimum.",
  severity: "low",
  concern: "logging-audit",
  remediationSteps:
    "Set retentionInDays from observability.logRetentionDays (0 or unset keeps logs forever at growing cost).",
  resourceTypes: ["aws:cloudwatch/logGroup:LogGroup"],
  configSchema: { properties: { minimumDays: { type: "integer", default: 365 } } },
  rules: [
    {
      id: "retention",
      check: ({ props, config }) => {
        const days = numberOf(props.retentionInDays);
        const min = config.minimumDays as number;
        if (days === undefined || days === 0) return `Set retentionInDays (at least ${min}).`;
        return days < min ? `Raise retentionInDays from ${days} to at least ${min}.` : undefined;
      },
    },
  ],
});
