import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const flinkApplicationLogging = resourcePolicy({
  name: "flink-application-logging",
  description: "Managed Service for Apache Flink applications send their logs to a CloudWatch Logs stream.",
  severity: "medium",
  concern: "logging-audit",
  remediationSteps:
    "Set cloudwatchLoggingOptions { logStreamArn: <log stream of a KMS-encrypted log group with retention> }.",
  resourceTypes: ["aws:kinesisanalyticsv2/application:Application"],
  rules: [
    {
      id: "cloudwatch-logging",
      check: ({ props }) =>
        present(props, "cloudwatchLoggingOptions", "logStreamArn")
          ? undefined
          : "Set cloudwatchLoggingOptions.logStreamArn to the application's log stream.",
    },
  ],
});
