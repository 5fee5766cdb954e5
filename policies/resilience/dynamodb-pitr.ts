import { resourcePolicy } from "../lib/policy";

export const dynamodbPitr = resourcePolicy({
  name: "dynamodb-pitr",
  description: "DynamoDB tables have point-in-time recovery enabled.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["DynamoDB.2"],
  remediationSteps: "Set pointInTimeRecovery { enabled: true } on the aws.dynamodb.Table.",
  resourceTypes: ["aws:dynamodb/table:Table"],
  rules: [
    {
      id: "pitr",
      check: ({ props }) =>
        props.pointInTimeRecovery?.enabled === true ? undefined : "Set pointInTimeRecovery.enabled to true.",
    },
  ],
});
