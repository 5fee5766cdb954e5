import { resourcePolicy } from "../lib/policy";

export const athenaWorkgroupLogging = resourcePolicy({
  name: "athena-workgroup-logging",
  description: "Athena workgroups publish their query metrics to CloudWatch.",
  severity: "low",
  concern: "logging-audit",
  fsbp: ["Athena.4"],
  remediationSteps: "Set configuration.publishCloudwatchMetricsEnabled to true on the workgroup.",
  resourceTypes: ["aws:athena/workgroup:Workgroup"],
  rules: [
    {
      id: "cloudwatch-metrics",
      check: ({ props }) =>
        props.configuration?.publishCloudwatchMetricsEnabled === true
          ? undefined
          : "Set configuration.publishCloudwatchMetricsEnabled to true.",
    },
  ],
});
