import { resourcePolicy } from "../lib/policy";
import { numberOf } from "../lib/values";

export const kinesisRetention = resourcePolicy({
  name: "kinesis-retention",
  description: "Kinesis data streams keep records for at least the configured minimum number of hours.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["Kinesis.3"],
  remediationSteps:
    "Set retentionPeriod from streaming.retentionHours (168 in prod) so consumers can replay after an outage.",
  resourceTypes: ["aws:kinesis/stream:Stream"],
  configSchema: { properties: { minimumHours: { type: "integer", default: 168 } } },
  rules: [
    {
      id: "retention",
      check: ({ props, config }) => {
        const hours = numberOf(props.retentionPeriod) ?? 24;
        const min = config.minimumHours as number;
        return hours < min ? `Raise retentionPeriod from ${hours} to at least ${min} hours.` : undefined;
      },
    },
  ],
});
