import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const sfnLogging = resourcePolicy({
  name: "sfn-logging",
  description: "Step Functions state machines log executions to CloudWatch Logs.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["StepFunctions.1"],
  remediationSteps:
    "Set loggingConfiguration { level: ERROR (or ALL), includeExecutionData: true, logDestination: <log group ARN>:* }.",
  resourceTypes: ["aws:sfn/stateMachine:StateMachine"],
  rules: [
    {
      id: "logging",
      check: ({ props }) => {
        const level = props.loggingConfiguration?.level;
        return ["ALL", "ERROR", "FATAL"].includes(level) &&
          present(props, "loggingConfiguration", "logDestination")
          ? undefined
          : "Set loggingConfiguration.level to ERROR or ALL with a logDestination.";
      },
    },
  ],
});
